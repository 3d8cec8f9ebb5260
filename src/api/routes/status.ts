import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import { readIntegrationStatus } from '../../producer/status.js';
import type { ApiContext } from '../context.js';
import { problemResponses } from '../problems.js';
import { API_PREFIX, iso, Nullable, NullableDateTime } from '../schemas.js';

const Mode = Nullable(Type.Union([Type.Literal('none'), Type.Literal('push'), Type.Literal('pull')], {
  description: 'none: changes ignored; push: PICS → OneFile; pull: OneFile → PICS. null: no settings row, or the stored value is invalid (see invalidSettings).',
}));
const Flag = (description: string) => Nullable(Type.Boolean({ description: `${description} null: no settings row.` }));

export const IntegrationStatusSchema = Type.Object({
  integrationEnabled: Type.Boolean({ description: 'Integration Enabled.' }),
  connectionTest: Type.Object({
    connected: Nullable(Type.Boolean({ description: 'null: never run.' })),
    version: Nullable(Type.String({ description: 'The OneFile API version the test reached, e.g. v2.1.' })),
    testedAt: NullableDateTime('When the last Connection Test ran.'),
  }, { additionalProperties: false, description: 'Connection Test: connected, and which version.' }),
  learnerDemographicsMode: Mode,
  officerDemographicsMode: Mode,
  organisationDemographicsMode: Mode,
  pushMainOfficerChanges: Flag('Push Changes to Learner Main Officer.'),
  pushEmployerChanges: Flag('Push Changes to Learner Employer.'),
  uploadReviews: Flag('Upload Reviews to OneFile (at enrol).'),
  visitType: Nullable(Type.Union([Type.Literal('not_specified'), Type.Literal('remote'), Type.Literal('face_to_face')], { description: 'Visit Type for Uploaded Reviews.' })),
  downloadReviews: Flag('Download Reviews from OneFile (daily sync).'),
  additionalAssessors: Type.Array(Type.String(), { description: 'Additional Assessors: the learner officer roles uploaded at enrol besides the main officer.' }),
  lastSynchronisedAt: NullableDateTime('Last Synchronised: the last general learner synchronisation (not a links refresh).'),
  smartAssessorEnabled: Type.Boolean({ description: 'The Smart Assessor integration is enabled instead (a site uses one ePortfolio).' }),
  lastDailyRun: Nullable(Type.Object({
    id: Type.Integer(), status: Type.String(), startedAt: Type.String({ format: 'date-time' }), finishedAt: NullableDateTime(),
    href: Type.String(),
  }, { additionalProperties: false })),
  qualificationLinksRefreshedAt: NullableDateTime('When Refresh Qualification Links last completed.'),
  invalidSettings: Type.Array(Type.Object({
    setting: Type.String({ description: 'The PICS table and column, e.g. pics.onefile_settings.visit_type.' }),
    message: Type.String(),
  }, { additionalProperties: false }), { description: 'Every stored setting a user must fix in PICS, named; empty when all are valid.' }),
}, { additionalProperties: false, description: 'The Integration Status items' });

type StatusBody = Static<typeof IntegrationStatusSchema>;

export function statusRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.withTypeProvider<TypeBoxTypeProvider>().get('/status', {
    schema: {
      summary: 'Integration Status of the OneFile Summary page',
      description: 'Every item the Summary page lists, and every stored setting whose value is invalid, named.',
      tags: ['status'], response: { 200: IntegrationStatusSchema, ...problemResponses(400, 401, 429) },
    },
  }, async (): Promise<StatusBody> => {
    const status = await readIntegrationStatus(ctx.db);
    const s = status.settings;
    const invalid = new Set(status.problems.map((p) => p.setting));
    const valid = <T>(column: string, value: T | undefined): T | null => (value === undefined || invalid.has(`pics.onefile_settings.${column}`) ? null : value);
    const run = status.lastDailyRun;
    return {
      integrationEnabled: s?.integrationEnabled ?? false,
      connectionTest: { connected: s?.connectionOk ?? null, version: s?.connectionVersion ?? null, testedAt: iso(s?.connectionCheckedAt) },
      learnerDemographicsMode: valid('learner_demographics_mode', s?.learnerDemographicsMode),
      officerDemographicsMode: valid('officer_demographics_mode', s?.officerDemographicsMode),
      organisationDemographicsMode: valid('organisation_demographics_mode', s?.organisationDemographicsMode),
      pushMainOfficerChanges: s?.pushMainOfficerChanges ?? null,
      pushEmployerChanges: s?.pushEmployerChanges ?? null,
      uploadReviews: s?.uploadReviews ?? null,
      visitType: valid('visit_type', s?.visitType),
      downloadReviews: s?.downloadReviews ?? null,
      additionalAssessors: s?.additionalAssessorRoles ?? [],
      lastSynchronisedAt: iso(s?.lastSynchronisedAt),
      smartAssessorEnabled: status.smartAssessorEnabled,
      lastDailyRun: run ? { id: run.id, status: run.status, startedAt: run.startedAt.toISOString(), finishedAt: iso(run.finishedAt), href: `${API_PREFIX}/daily-sync/runs/${run.id}` } : null,
      qualificationLinksRefreshedAt: iso(status.qualificationLinksRefreshedAt),
      invalidSettings: status.problems,
    };
  });
}

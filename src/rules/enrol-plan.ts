import type { LearnerGraph, OfficerRow, OrganisationRow } from '../pics/types.js';
import type { OneFileSettings } from '../domain/settings.js';
import { ONEFILE_ROLE } from '../onefile/types.js';
import { birthDateProblem } from './birth-date.js';
import { isCalendarDate, toOneFileDate } from '../domain/dates.js';
import { choosePlacement } from './placement.js';
import { reviewUpload, selectReviewsForUpload, type ReviewUpload } from './review-selection.js';
import { emailAddressProblem } from './email-address.js';
import { niNumberProblem } from './ni-number.js';
import { parseOneFileId } from '../domain/onefile-id.js';
import { duplicateMisMessage, misKey, type MisHolder } from './duplicate-mis.js';

// E1–E8 as one pure function: the learner's PICS graph + settings + qualification links → what to send to
// OneFile, in order, or the problems a PICS user must fix first. The enrol job executes the plan; the
// preview shows it.

export interface LinkedStandard {
  standardId: number;
  title: string;
}

export interface EnrolChoices {
  /** The OneFile organisation the user picked; else the one in the settings. */
  organisationId?: number;
  /** qualification id → chosen standard, where a qualification has several pathways (Q2). */
  pathways?: Record<number, number>;
}

export interface EnrolProblem {
  field: string;
  message: string;
}

export type OfficerReason = 'main' | 'qualification-assessor' | 'review-officer' | 'additional';

export interface OfficerUpload {
  officerId: number;
  ident: string | null;
  /** Already linked: the OneFile id held in Other System ID. */
  oneFileId: number | null;
  firstName: string;
  lastName: string;
  email: string;
  reasons: OfficerReason[];
}

export interface EmployerUpload {
  organisationId: number;
  ident: string | null;
  oneFileId: number | null;
  name: string;
  placementId: number;
}

export interface LearnerFields {
  OrganisationID: number;
  Role: typeof ONEFILE_ROLE.learner;
  FirstName: string;
  LastName: string;
  Email: string;
  Telephone: string | null;
  MobileNumber: string | null;
  DOB: string | null;
  ULN: string | null;
  NINO: string | null;
  StartOn: string | null;
  PlannedEndDate: string | null;
  L12: string | null;
  L13: string | null;
  L15: string | null;
  MISID: string;
}

export interface AimUpload {
  learnerQualificationId: number;
  qualificationTitle: string;
  standardId: number;
  /** Officer id of the qualification's assessor (Lead Assessor, Level 3 assignment), if any. */
  leadAssessorOfficerId: number | null;
  fields: {
    StartDate: string | null;
    PlannedEnd: string | null;
    RegistrationNumber: string | null;
    RegistrationDate: string | null;
    AchievedDate: string | null;
    ClaimedDate: string | null;
    CertificateAppliedDate: string | null;
    CertificateReceivedDate: string | null;
  };
}


export interface NotLinkedQualification {
  learnerQualificationId: number;
  title: string;
  reason: string;
}

export interface EnrolPlan {
  learnerId: number;
  learnerIdent: string;
  organisationId: number;
  employer: EmployerUpload;
  classroomName: string;
  officers: OfficerUpload[];
  mainOfficerId: number;
  learner: LearnerFields;
  aims: AimUpload[];
  notLinked: NotLinkedQualification[];
  reviews: ReviewUpload[];
  /** Officers in the S11 roles, assigned to the learner as additional users (Level 1). */
  additionalOfficerIds: number[];
}

export type EnrolDecision =
  | { kind: 'plan'; plan: EnrolPlan }
  | { kind: 'refused'; reason: string }
  | { kind: 'invalid'; problems: EnrolProblem[] };

export interface EnrolInput {
  graph: LearnerGraph;
  settings: OneFileSettings;
  /** qualification id → linked OneFile standards (Q1). */
  links: Map<number, LinkedStandard[]>;
  choices?: EnrolChoices;
  /** UK calendar date of today (E3 "in the future"). */
  today: string;
  /**
   * What an earlier attempt of this enrol created before it stopped (E7): the learner it created, and the
   * learner qualifications whose aims it created. Those ids in PICS are this enrol's own, to carry on with,
   * not records someone linked by hand: the plan sends them as if new (the executor finds them again).
   */
  resuming?: { learner: boolean; aimsOf: ReadonlySet<number> };
  /**
   * Multi-centre mode only: what the worker knows of the chosen centre without calling OneFile — the officers
   * it holds a OneFile id for there, and the centre's assessors by MIS value from the cached directory (A1).
   */
  centre?: CentreKnowledge;
}

export interface CentreKnowledge {
  linkedOfficers: ReadonlySet<number>;
  /** misKey(MIS value) → the assessors holding it. */
  assessorsByMis: ReadonlyMap<string, readonly MisHolder[]>;
}


const blank = (value: string | null | undefined): value is null | undefined | '' => value === null || value === undefined || value.trim() === '';
const trimmed = (value: string | null | undefined): string | null => (blank(value) ? null : value.trim());

/** E6: the learner's main tag when S4 is on and there is one, else the default classroom name. */
export function chooseClassroomName(settings: OneFileSettings, mainTagName: string | null): string | null {
  if (settings.classroomFromMainTag && !blank(mainTagName)) return mainTagName.trim();
  return trimmed(settings.defaultClassroomName);
}

function officerName(o: OfficerRow): string {
  return `officer ${o.ident ?? `#${o.id}`}`;
}

/**
 * E4: the main officer; each uploaded qualification's assessor and each uploaded review's officer unless
 * already the main officer; and the officers in the S11 roles — each once.
 */
export function collectOfficers(
  graph: LearnerGraph, settings: OneFileSettings, aims: AimUpload[], reviews: ReviewUpload[],
): { officers: Map<number, OfficerReason[]>; additional: number[] } {
  const officers = new Map<number, OfficerReason[]>();
  const add = (id: number | null, reason: OfficerReason) => {
    if (id === null) return;
    const reasons = officers.get(id) ?? [];
    if (!reasons.includes(reason)) reasons.push(reason);
    officers.set(id, reasons);
  };
  add(graph.learner.main_officer_id, 'main');
  for (const aim of aims) if (aim.leadAssessorOfficerId !== graph.learner.main_officer_id) add(aim.leadAssessorOfficerId, 'qualification-assessor');
  for (const review of reviews) if (review.assessorOfficerId !== graph.learner.main_officer_id) add(review.assessorOfficerId, 'review-officer');
  const roles = new Set(settings.additionalAssessorRoles.map((r) => r.toLowerCase()));
  const additional = [...new Set(graph.roles.filter((r) => roles.has(r.role.toLowerCase())).map((r) => r.officerId))].filter(
    (id) => id !== graph.learner.main_officer_id,
  );
  for (const id of additional) add(id, 'additional');
  return { officers, additional };
}

export function planEnrol(input: EnrolInput): EnrolDecision {
  const { graph, settings, links, today } = input;
  const l = graph.learner;
  const who = `learner ${l.ident}`;
  if (l.onefile_id !== null && !input.resuming?.learner) {
    return { kind: 'refused', reason: `${who} already has OneFile id ${l.onefile_id}: link by hand instead of enrolling again (E7)` };
  }
  const problems: EnrolProblem[] = [];
  const problem = (field: string, message: string) => problems.push({ field, message });

  const organisationId = input.choices?.organisationId ?? settings.organisationId;
  if (!organisationId) problem('organisation', 'no OneFile organisation: choose one, or set it in the OneFile settings');

  if (blank(l.first_name)) problem('first_name', `${who} has no first name`);
  if (blank(l.surname)) problem('surname', `${who} has no surname`);
  // E8: each message names the rule the value broke, and never repeats a personal value (email, NI, DOB, sex).
  const emailProblem = blank(l.email) ? null : emailAddressProblem(l.email);
  if (blank(l.email)) problem('email', `${who} has no email`);
  else if (emailProblem) problem('email', `${who} has an email address that is not valid: ${emailProblem}`);
  if (!blank(l.uln) && !/^\d{10}$/.test(l.uln.trim())) problem('uln', `${who} has a ULN that is not 10 digits`);
  const niProblem = blank(l.ni_number) ? null : niNumberProblem(l.ni_number);
  if (niProblem) problem('ni_number', `${who} has an NI number that is not valid: ${niProblem}`);
  if (l.sex !== null && !['M', 'F', '9'].includes(l.sex.trim().toUpperCase())) problem('sex', `${who} has a sex code OneFile does not accept: it takes M, F or 9`);
  const birthProblem = l.birth_date === null ? null : birthDateProblem(l.birth_date, today);
  if (birthProblem) problem('birth_date', `${who} has a birth date ${birthProblem}`);
  if (l.start_date && l.expected_end_date && l.expected_end_date < l.start_date) {
    problem('expected_end_date', `${who} has a planned end date ${l.expected_end_date} before the start date ${l.start_date}`);
  }
  for (const [field, value] of [['start_date', l.start_date], ['expected_end_date', l.expected_end_date]] as const) {
    if (value !== null && !isCalendarDate(value)) problem(field, `${who} has a ${field.replace(/_/g, ' ')} ${value} that is not a calendar date in YYYY-MM-DD form`);
  }

  const mainOfficer = l.main_officer_id === null ? undefined : graph.officers.get(l.main_officer_id);
  if (l.main_officer_id === null) problem('main_officer_id', `${who} has no main officer`);
  else if (!mainOfficer) problem('main_officer_id', `${who}'s main officer #${l.main_officer_id} does not exist`);

  const placement = choosePlacement(graph.placements);
  let employer: EmployerUpload | null = null;
  if (!placement) problem('placement', `${who} has no placement`);
  else if (!placement.organisation) problem('placement', `${who}'s placement #${placement.id} has no organisation`);
  else {
    const org: OrganisationRow = placement.organisation;
    // Multi-centre: Additional ID names no centre, so it is not this centre's id; the MIS value (ident) is the key.
    const oneFileId = settings.multiCentre ? null : parseOneFileId(org.additional_id);
    if (blank(org.name)) problem('placement', `organisation ${org.ident ?? `#${org.id}`} has no name`);
    if (oneFileId === 'invalid') problem('organisation.additional_id', `organisation ${org.ident ?? `#${org.id}`} has Additional ID "${org.additional_id}", which is not a OneFile id (a positive whole number)`);
    if (settings.multiCentre && blank(org.ident)) problem('organisation.ident', `organisation #${org.id} has no ident, which multi-centre mode matches the OneFile employer's MIS value on (E5)`);
    employer = { organisationId: org.id, ident: org.ident, oneFileId: oneFileId === 'invalid' ? null : oneFileId, name: org.name.trim(), placementId: placement.id };
  }

  const classroomName = chooseClassroomName(settings, graph.mainTagName);
  if (!classroomName) problem('classroom', `${who} has no classroom: give the learner a main tag (with Classroom From Main Tag on) or set a default classroom name`);

  // E2: linked qualifications become learning aims; the rest are reported, not failed.
  const aims: AimUpload[] = [];
  const notLinked: NotLinkedQualification[] = [];
  const standardsUsed = new Set<number>();
  for (const lq of graph.qualifications) {
    const title = lq.qualification?.title ?? `qualification #${lq.qualification_id}`;
    if (lq.onefile_learning_aim_id !== null && !input.resuming?.aimsOf.has(lq.id)) continue; // already in OneFile
    const standards = lq.qualification_id === null ? [] : (links.get(lq.qualification_id) ?? []);
    if (standards.length === 0) {
      notLinked.push({ learnerQualificationId: lq.id, title, reason: 'not available in OneFile' });
      continue;
    }
    let standardId: number;
    const chosen = lq.qualification_id === null ? undefined : input.choices?.pathways?.[lq.qualification_id];
    if (chosen !== undefined) {
      if (!standards.some((s) => s.standardId === chosen)) {
        problem(`pathway.${lq.qualification_id}`, `OneFile standard ${chosen} is not a pathway of "${title}" (choose one of ${standards.map((s) => s.standardId).join(', ')})`);
        continue;
      }
      standardId = chosen;
    } else if (standards.length === 1) {
      standardId = standards[0]!.standardId;
    } else {
      problem(`pathway.${lq.qualification_id}`, `"${title}" has ${standards.length} OneFile pathways: choose one of ${standards.map((s) => `${s.standardId} (${s.title})`).join(', ')}`);
      continue;
    }
    // Two PICS rows for one standard must not become two learning aims of one standard (E7).
    if (standardsUsed.has(standardId)) {
      notLinked.push({ learnerQualificationId: lq.id, title, reason: `OneFile standard ${standardId} is already uploaded for another qualification of this learner` });
      continue;
    }
    standardsUsed.add(standardId);
    if (lq.assessor_officer_id !== null && !graph.officers.has(lq.assessor_officer_id)) {
      problem(`learner_qualification.${lq.id}.assessor_officer_id`, `"${title}" names assessor #${lq.assessor_officer_id}, who does not exist`);
    }
    aims.push({
      learnerQualificationId: lq.id,
      qualificationTitle: title,
      standardId,
      leadAssessorOfficerId: lq.assessor_officer_id,
      fields: {
        StartDate: toOneFileDateSafe(lq.start_date),
        PlannedEnd: toOneFileDateSafe(lq.planned_end_date),
        RegistrationNumber: trimmed(lq.registration_number),
        RegistrationDate: toOneFileDateSafe(lq.registration_date),
        AchievedDate: toOneFileDateSafe(lq.achieved_date),
        ClaimedDate: toOneFileDateSafe(lq.claimed_date),
        CertificateAppliedDate: toOneFileDateSafe(lq.certificate_applied_date),
        CertificateReceivedDate: toOneFileDateSafe(lq.certificate_received_date),
      },
    });
  }

  const reviews = settings.uploadReviews && l.main_officer_id !== null
    ? selectReviewsForUpload(graph.reviews, today).map((r) => reviewUpload(r, l.main_officer_id!, settings))
    : [];
  for (const review of reviews) {
    if (!graph.officers.has(review.assessorOfficerId)) problem(`review.${review.reviewId}.officer_id`, `review #${review.reviewId} names officer #${review.assessorOfficerId}, who does not exist`);
    // An end past the year 9999 is no date OneFile (or ISO 8601 without extension) can hold: a typing error.
    if (!/^\d{4}-/.test(review.endTime)) problem(`review.${review.reviewId}.planned_date`, `review #${review.reviewId} is planned so late that it would end after the year 9999: correct its planned date`);
  }

  const { officers: officerReasons, additional } = collectOfficers(graph, settings, aims, reviews);
  const officers: OfficerUpload[] = [];
  for (const [officerId, reasons] of officerReasons) {
    const officer = graph.officers.get(officerId);
    if (!officer) continue; // reported above
    const oneFileId = settings.multiCentre ? null : parseOneFileId(officer.other_system_id);
    if (oneFileId === 'invalid') {
      problem(`officer.${officerId}.other_system_id`, `${officerName(officer)} has Other System ID "${officer.other_system_id}", which is not a OneFile id (a positive whole number)`);
      continue;
    }
    let linked = oneFileId !== null;
    if (settings.multiCentre) {
      const label = reasons.includes('main') ? 'main officer' : 'officer';
      const holders = blank(officer.ident) ? [] : (input.centre?.assessorsByMis.get(misKey(officer.ident)) ?? []);
      if (blank(officer.ident)) problem(`officer.${officerId}.ident`, `${officerName(officer)} has no ident, which multi-centre mode matches the OneFile assessor's MIS value on (E4)`);
      else if (holders.length > 1) problem(`officer.${officerId}`, duplicateMisMessage(label, officer.ident.trim(), officer.ident.trim(), holders));
      linked = (input.centre?.linkedOfficers.has(officerId) ?? false) || holders.length === 1;
    }
    // OneFile requires an email to create any user; a linked officer needs none.
    if (!linked && blank(officer.email)) {
      problem(`officer.${officerId}.email`, `${officerName(officer)} is not linked to OneFile and has no email, which OneFile needs to create the assessor`);
    }
    officers.push({
      officerId, ident: officer.ident, oneFileId, firstName: officer.forenames.trim(), lastName: officer.surname.trim(),
      email: officer.email?.trim() ?? '', reasons,
    });
  }

  if (problems.length > 0 || !organisationId || !employer || !classroomName || !mainOfficer) {
    return { kind: 'invalid', problems };
  }
  return {
    kind: 'plan',
    plan: {
      learnerId: l.id,
      learnerIdent: l.ident,
      organisationId,
      employer,
      classroomName,
      officers,
      mainOfficerId: mainOfficer.id,
      learner: {
        OrganisationID: organisationId,
        Role: ONEFILE_ROLE.learner,
        FirstName: l.first_name.trim(),
        LastName: l.surname.trim(),
        Email: l.email!.trim(),
        Telephone: trimmed(l.telephone),
        MobileNumber: trimmed(l.mobile),
        DOB: toOneFileDateSafe(l.birth_date),
        ULN: trimmed(l.uln),
        NINO: trimmed(l.ni_number)?.toUpperCase() ?? null,
        StartOn: toOneFileDateSafe(l.start_date),
        PlannedEndDate: toOneFileDateSafe(l.expected_end_date),
        L12: l.ethnicity === null ? null : String(l.ethnicity),
        L13: l.sex === null ? null : l.sex.trim().toUpperCase(),
        L15: l.disability === null ? null : String(l.disability),
        MISID: l.ident,
      },
      aims,
      notLinked,
      reviews,
      additionalOfficerIds: additional,
    },
  };
}

function toOneFileDateSafe(date: string | null): string | null {
  return date !== null && isCalendarDate(date) ? toOneFileDate(date) : null;
}

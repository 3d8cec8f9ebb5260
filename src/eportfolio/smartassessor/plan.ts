import type { Learner, LearnerGraph, Organisation } from '../../domain/learner.js';
import type { SmartAssessorSettings } from '../../domain/settings.js';
import { birthDateProblem } from '../../rules/birth-date.js';
import { isCalendarDate } from '../../domain/dates.js';
import { emailAddressProblem } from '../../rules/email-address.js';
import { niNumberProblem } from '../../rules/ni-number.js';
import type { EnrolProblem, NotLinkedQualification } from '../../rules/enrol-plan.js';
import { choosePlacement } from '../../rules/placement.js';
import type { NewEmployer, NewLearner } from '../../smartassessor/types.js';

/*
 * A2–A4 as one pure function: the learner's PICS graph + the Smart Assessor settings → what an enrol sends,
 * or the problems a PICS user must fix first (E8's standard). The enrol executes the plan; the preview shows
 * it. Data is sent once, at enrol (reference §3.3).
 */

export interface SaEmployerUpload {
  organisationId: number;
  placementId: number;
  /** A4: already linked — the Smart Assessor employer id held in the organisation's Additional ID. */
  smartAssessorId: number | null;
  /** What is sent when it has to be created (and what finds it again after a crash). */
  record: NewEmployer;
}

export interface SaEnrolPlan {
  learnerId: number;
  learnerIdent: string;
  employer: SaEmployerUpload;
  /** A2: the main officer, only when it has a Smart Assessor id; null = no officer data is sent at all. */
  mainOfficer: { officerId: number; smartAssessorId: string } | null;
  /** A3: the learner record; the employer id is added once it is known. */
  learner: Omit<NewLearner, 'employerSmartAssessorId'>;
  /** Qualifications are not sent (A2–A4 send the learner, employer and main officer only). */
  notLinked: NotLinkedQualification[];
  /** What the user should know but need not fix (why no officer is sent, settings that cannot apply). */
  notes: string[];
}

export type SaEnrolDecision =
  | { kind: 'plan'; plan: SaEnrolPlan }
  | { kind: 'refused'; reason: string }
  | { kind: 'invalid'; problems: EnrolProblem[] };

const trimmed = (value: string | null | undefined): string | undefined => {
  const t = value?.trim();
  return t ? t : undefined;
};

/** Only the fields that have a value: an enrol never sends blanks. */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** The MIS id stamped on an employer we create: the organisation's ident, else a stable id of our own. */
export function employerMisId(org: Pick<Organisation, 'id' | 'ident'>): string {
  return trimmed(org.ident) ?? `PICS-ORG-${org.id}`;
}

/** A4: name, phone, EDRS number, address (up to four lines), postcode and website. */
export function employerRecord(org: Organisation): NewEmployer {
  return defined({
    misId: employerMisId(org),
    name: org.name.trim(),
    telephone: trimmed(org.telephone),
    edrsNumber: trimmed(org.edrsNumber),
    addressLine1: trimmed(org.address1),
    addressLine2: trimmed(org.address2),
    town: trimmed(org.address3),
    county: trimmed(org.address4),
    postcode: trimmed(org.postcode)?.toUpperCase(),
    website: trimmed(org.website),
  });
}

/** A3: ident, first name, surname, DOB, ULN, email, address lines, postcode, NI number, phone, mobile. */
export function learnerRecord(l: Learner, settings: Pick<SmartAssessorSettings, 'sendLearnerWelcomeEmail'>): Omit<NewLearner, 'employerSmartAssessorId'> {
  return defined({
    misId: l.ident.trim(),
    givenNames: l.firstName.trim(),
    familyName: l.surname.trim(),
    dateOfBirth: l.birthDate !== null && isCalendarDate(l.birthDate) ? l.birthDate : undefined,
    uln: trimmed(l.uln),
    niNumber: trimmed(l.niNumber)?.toUpperCase(),
    email: trimmed(l.email),
    telephone: trimmed(l.telephone),
    mobile: trimmed(l.mobile),
    addressLine1: trimmed(l.address1),
    locality: trimmed(l.address2),
    town: trimmed(l.address3),
    county: trimmed(l.address4),
    postcode: trimmed(l.postcode)?.toUpperCase(),
    sendWelcomeEmail: settings.sendLearnerWelcomeEmail,
  });
}

/** A4 "the learner's current placement": E5's choice among the placements not ended before today. */
export function currentPlacement(graph: Pick<LearnerGraph, 'placements'>, today: string) {
  return choosePlacement(graph.placements.filter((p) => p.endDate === null || p.endDate >= today));
}

function employerId(value: string | null): number | null | 'invalid' {
  const t = trimmed(value);
  if (t === undefined) return null;
  const n = Number(t);
  return Number.isSafeInteger(n) && n > 0 ? n : 'invalid';
}

export function planSmartAssessorEnrol(input: { graph: LearnerGraph; settings: SmartAssessorSettings; today: string }): SaEnrolDecision {
  const { graph, settings, today } = input;
  const l = graph.learner;
  const who = `learner ${l.ident}`;
  if (l.smartAssessorId !== null) {
    return { kind: 'refused', reason: `${who} already has Smart Assessor id ${l.smartAssessorId}: link by hand instead of enrolling again (E7)` };
  }
  const problems: EnrolProblem[] = [];
  const problem = (field: string, message: string) => problems.push({ field, message });
  const notes: string[] = [];

  if (!trimmed(l.firstName)) problem('first_name', `${who} has no first name`);
  if (!trimmed(l.surname)) problem('surname', `${who} has no surname`);
  // E8: each message names the rule the value broke, and never repeats a personal value (email, NI, DOB).
  const email = trimmed(l.email);
  const emailProblem = email === undefined ? null : emailAddressProblem(email);
  if (emailProblem) problem('email', `${who} has an email address that is not valid: ${emailProblem}`);
  // Smart Assessor's welcome email goes to the learner's address: with it switched on, there must be one.
  if (email === undefined && settings.sendLearnerWelcomeEmail) problem('email', `${who} has no email, and Send Learner Welcome Email is on`);
  const uln = trimmed(l.uln);
  if (uln !== undefined && !/^\d{10}$/.test(uln)) problem('uln', `${who} has a ULN that is not 10 digits`);
  const ni = trimmed(l.niNumber);
  const niProblem = ni === undefined ? null : niNumberProblem(ni);
  if (niProblem) problem('ni_number', `${who} has an NI number that is not valid: ${niProblem}`);
  const birthProblem = l.birthDate === null ? null : birthDateProblem(l.birthDate, today);
  if (birthProblem) problem('birth_date', `${who} has a birth date ${birthProblem}`);

  // A4: the employer.
  const placement = currentPlacement(graph, today);
  let employer: SaEmployerUpload | null = null;
  const noCurrent = graph.placements.length === 0 ? 'it has no placement at all' : 'every placement ended before today';
  if (!placement) problem('placement', `${who} has no current placement: ${noCurrent}`);
  else if (!placement.organisation) problem('placement', `${who}'s placement #${placement.id} has no organisation`);
  else {
    const org = placement.organisation;
    const label = `organisation ${org.ident ?? `#${org.id}`}`;
    const id = employerId(org.ePortfolioId);
    if (!trimmed(org.name)) problem('placement', `${label} has no name`);
    if (id === 'invalid') problem('organisation.additional_id', `${label} has Additional ID "${org.ePortfolioId}", which is not a Smart Assessor employer id (a positive whole number)`);
    employer = { organisationId: org.id, placementId: placement.id, smartAssessorId: id === 'invalid' ? null : id, record: employerRecord(org) };
  }

  // A2: the main officer only when it has a Smart Assessor id; otherwise nothing about any officer.
  let mainOfficer: SaEnrolPlan['mainOfficer'] = null;
  if (l.mainOfficerId === null) notes.push(`${who} has no main officer: no officer information is sent`);
  else {
    const officer = graph.officers.get(l.mainOfficerId);
    if (!officer) problem('main_officer_id', `${who}'s main officer #${l.mainOfficerId} does not exist`);
    else if (trimmed(officer.ePortfolioId) === undefined) {
      notes.push(`main officer ${officer.ident ?? `#${officer.id}`} has no Smart Assessor ID (Other System ID): no officer information is sent; use Look Up Smart Assessor ID to link it`);
    } else mainOfficer = { officerId: officer.id, smartAssessorId: trimmed(officer.ePortfolioId)! };
  }

  if (settings.setStudentIdToLrn) notes.push('Set Student ID to LRN is on, but this PICS database holds no LRN: no Student ID is sent');

  const notLinked: NotLinkedQualification[] = graph.qualifications.map((lq) => ({
    learnerQualificationId: lq.id,
    title: lq.qualification?.title ?? `qualification #${lq.qualificationId}`,
    reason: 'not sent: the Smart Assessor enrol sends the learner, employer and main officer only',
  }));

  if (problems.length > 0 || !employer) return { kind: 'invalid', problems };
  return {
    kind: 'plan',
    plan: {
      learnerId: l.id,
      learnerIdent: l.ident,
      employer,
      mainOfficer,
      learner: { ...learnerRecord(l, settings), ...(mainOfficer ? { assessorSmartAssessorId: mainOfficer.smartAssessorId } : {}) },
      notLinked,
      notes,
    },
  };
}

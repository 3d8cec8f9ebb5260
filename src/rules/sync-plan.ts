import type { LearnerGraph, LearnerQualification, Officer, Organisation, Review } from '../domain/learner.js';
import type { OneFileSettings } from '../domain/settings.js';
import type { OneFileLearningAim, OneFilePlacement, OneFileReview, OneFileReviewSummary, OneFileUser } from '../onefile/types.js';
import { fromOneFileDate, toOneFileDate, utcToUkLocal } from '../domain/dates.js';
import { reviewUpload, selectReviewsForFirstSync, selectReviewsForUpload, type ReviewUpload } from './review-selection.js';
import { planReviewAdoptions, type ReviewAdoption } from './review-match.js';
import { isReviewComplete } from './review-reads.js';
import { reconcileLearnerDemographics, reconcileOfficerDemographics, reconcileOrganisationDemographics } from './demographics.js';
import type { FieldChange } from './field-change.js';

// D1–D9, D11 as one pure function: PICS state + OneFile state + settings → the changes to make on each side.
// Running it again on the result yields no changes (idempotent by construction: every change is "make the
// two sides agree", never "add").

export interface NewPicsReview {
  oneFileReviewId: number;
  plannedDate: string | null;
  plannedTime: string | null;
  attended: 'Y' | 'U';
  actualDate: string | null;
  officerId: number | null;
  traineeSignedDate: string | null;
}

export interface AimPush {
  aimId: number;
  learnerQualificationId: number;
  patch: Record<string, string | null>;
}

export interface OfficerUpdate {
  officerId: number;
  oneFileId: number;
  /** D7 push: fields for POST /User/{id}. */
  push: Record<string, string>;
  changes: FieldChange[];
}

export interface OrganisationUpdate {
  organisationId: number;
  placementId: number;
  push: Record<string, string>;
  changes: FieldChange[];
}

export interface SyncPlan {
  /** Field updates to existing PICS rows (audited). */
  picsChanges: FieldChange[];
  /** D6: OneFile reviews with no PICS match. */
  newPicsReviews: NewPicsReview[];
  /** E7/D5: PICS reviews an earlier attempt uploaded, found again in OneFile by scheduled time (audited). */
  adoptions: ReviewAdoption[];
  /** D6: the reviews read, recorded as seen in the same transaction as the PICS changes they stand for. */
  reviewsSeen: { review: OneFileReview; complete: boolean }[];
  /** D2–D4: blanks in OneFile filled from PICS. */
  aimPushes: AimPush[];
  /** D5/D11: PICS reviews to upload (after the adoptions). */
  reviewUploads: ReviewUpload[];
  /** D7 push: partial update of the OneFile learner (D8 is added once the ids are resolved: planDefaultLinks). */
  learnerPush: Record<string, string | number | null> | null;
  /** Audit lines for the OneFile side (fields pushed). */
  oneFileChanges: FieldChange[];
  /** D7 for the learner's linked officers and employer not yet reconciled in this run. */
  officerUpdates: OfficerUpdate[];
  organisationUpdate: OrganisationUpdate | null;
}

export interface SyncInput {
  graph: LearnerGraph;
  settings: OneFileSettings;
  /** D11: this learner's first sync. */
  firstSync: boolean;
  today: string;
  /** Learning aims by id (details, from search rows or GETs). */
  aims: Map<number, OneFileLearningAim>;
  /** The learner's OneFile reviews as searched (for D5's adoption of a crashed attempt's upload). */
  reviewRows?: OneFileReviewSummary[];
  /** Reviews whose details were read this run (complete ones PICS holds are absent and left alone). */
  reviews: OneFileReview[];
  /** OneFile review id → the stand-in assessor it was uploaded under (D5: never becomes the PICS officer). */
  standInAssessors?: Map<number, number>;
  /** The OneFile learner when it was read (demographics pull/push); null when not needed. */
  oneFileLearner: OneFileUser | null;
  /** OneFile user id → PICS officer id, for officers linked by Other System ID (D6 assessor match). */
  officerByOneFileId: Map<number, number>;
  /** D7: linked officers and the employer with what OneFile holds, when not yet reconciled in this run. */
  officers?: { officer: Officer; oneFileId: number; oneFile: OneFileUser }[];
  organisation?: { organisation: Organisation; placementId: number; oneFile: OneFilePlacement } | null;
}

const REG_FIELDS = [
  { pics: 'registrationNumber', oneFile: 'RegistrationNumber', aim: 'registrationNumber', rule: 'D2', date: false },
  { pics: 'registrationDate', oneFile: 'RegistrationDate', aim: 'registrationDate', rule: 'D2', date: true },
  { pics: 'certificateAppliedDate', oneFile: 'CertificateAppliedDate', aim: 'certificateAppliedDate', rule: 'D3', date: true },
  { pics: 'certificateReceivedDate', oneFile: 'CertificateReceivedDate', aim: 'certificateReceivedDate', rule: 'D4', date: true },
] as const;

const isBlank = (v: string | number | null | undefined) => v === null || v === undefined || (typeof v === 'string' && v.trim() === '');

/** D2–D4: fill the blank side; where both have values and differ, OneFile wins. */
export function reconcileRegistration(lq: LearnerQualification, aim: OneFileLearningAim): { changes: FieldChange[]; push: AimPush | null } {
  const changes: FieldChange[] = [];
  const patch: Record<string, string | null> = {};
  for (const f of REG_FIELDS) {
    const pics = lq[f.pics];
    const oneFile = aim[f.aim];
    const picsValue = isBlank(pics) ? null : String(pics).trim();
    const oneFileValue = isBlank(oneFile) ? null : String(oneFile).trim();
    if (picsValue === oneFileValue) continue;
    if (oneFileValue === null && picsValue !== null) {
      patch[f.oneFile] = f.date ? toOneFileDate(picsValue) : picsValue;
      changes.push({ table: 'learner_qualification', rowId: lq.id, field: f.oneFile, oldValue: null, newValue: picsValue, direction: 'to_eportfolio', rule: f.rule });
    } else if (oneFileValue !== null) {
      changes.push({ table: 'learner_qualification', rowId: lq.id, field: f.pics, oldValue: picsValue, newValue: oneFileValue, direction: 'to_pics', rule: f.rule });
    }
  }
  const push = Object.keys(patch).length ? { aimId: aim.id, learnerQualificationId: lq.id, patch } : null;
  return { changes, push };
}

/** D1: element counts from OneFile, except for qualifications with units attached. */
export function reconcileElements(lq: LearnerQualification, aim: OneFileLearningAim): FieldChange[] {
  if (lq.unitCount > 0) return [];
  const changes: FieldChange[] = [];
  for (const [field, value] of [['totalElements', aim.totalCriteria], ['elementsDone', aim.completedCriteria]] as const) {
    if (value === null || lq[field] === value) continue;
    changes.push({ table: 'learner_qualification', rowId: lq.id, field, oldValue: lq[field], newValue: value, direction: 'to_pics', rule: 'D1' });
  }
  return changes;
}

/** D6: attendance, actual date, officer and trainee-signed date from a OneFile review. */
export function reviewFieldsFromOneFile(review: OneFileReview, officerByOneFileId: Map<number, number>) {
  const started = fromOneFileDate(review.startedOn);
  const scheduled = review.scheduledFor ? utcToUkLocal(review.scheduledFor) : null;
  return {
    attended: (started ? 'Y' : 'U') as 'Y' | 'U',
    actualDate: started,
    officerId: review.assessorId !== null ? (officerByOneFileId.get(review.assessorId) ?? null) : null,
    traineeSignedDate: fromOneFileDate(review.learnerSignedOn),
    plannedDate: scheduled?.date ?? null,
    plannedTime: scheduled?.time ?? null,
  };
}

export function reconcileReview(pics: Review, review: OneFileReview, officerByOneFileId: Map<number, number>, standInAssessorId: number | null = null): FieldChange[] {
  const fromOneFile = reviewFieldsFromOneFile(review, officerByOneFileId);
  const changes: FieldChange[] = [];
  const change = (field: keyof Review, newValue: string | number | null) => {
    const oldValue = pics[field] as string | number | null;
    if ((oldValue ?? null) !== newValue) changes.push({ table: 'review', rowId: pics.id, field, oldValue, newValue, direction: 'to_pics', rule: 'D6' });
  };
  change('attended', fromOneFile.attended);
  change('actualDate', fromOneFile.actualDate);
  // The officer only where a PICS officer matches; an unmatched OneFile assessor leaves the PICS officer alone,
  // and so does the stand-in a review was uploaded under because its own officer had no account (D5).
  if (fromOneFile.officerId !== null && review.assessorId !== standInAssessorId) change('officerId', fromOneFile.officerId);
  // Set when the learner signed in OneFile; never cleared by an unsigned OneFile review.
  if (fromOneFile.traineeSignedDate !== null) change('traineeSignedDate', fromOneFile.traineeSignedDate);
  return changes;
}

/** E3 by D5 (S6), and D11's push of every open normal review on this learner's first sync (also S6). */
export function selectSyncUploads(reviews: Review[], settings: OneFileSettings, firstSync: boolean, today: string): Review[] {
  if (!settings.uploadReviews) return [];
  const toUpload = new Map<number, Review>();
  for (const r of selectReviewsForUpload(reviews, today)) toUpload.set(r.id, r);
  if (firstSync) for (const r of selectReviewsForFirstSync(reviews)) toUpload.set(r.id, r);
  return [...toUpload.values()].sort((a, b) => a.id - b.id);
}

export function planSync(input: SyncInput): SyncPlan {
  const { graph, settings } = input;
  const picsChanges: FieldChange[] = [];
  const oneFileChanges: FieldChange[] = [];
  const aimPushes: AimPush[] = [];

  // D1–D4 (and D11's reconciliation, which is the same rule run on every sync).
  for (const lq of graph.qualifications) {
    if (lq.learningAimId === null) continue; // D9: nothing new is sent
    const aim = input.aims.get(lq.learningAimId);
    if (!aim) continue;
    picsChanges.push(...reconcileElements(lq, aim));
    const { changes, push } = reconcileRegistration(lq, aim);
    for (const c of changes) (c.direction === 'to_pics' ? picsChanges : oneFileChanges).push(c);
    if (push) aimPushes.push(push);
  }

  // D5/D11 uploads, less those an earlier attempt already made (found by time among unclaimed OneFile reviews).
  const mainOfficerId = graph.learner.mainOfficerId;
  const candidates = mainOfficerId === null ? [] : selectSyncUploads(graph.reviews, settings, input.firstSync, input.today).map((r) => reviewUpload(r, mainOfficerId, settings));
  const claimed = new Set(graph.reviews.map((r) => r.oneFileId).filter((id): id is number => id !== null));
  const adoptions = planReviewAdoptions(candidates, input.reviewRows ?? [], claimed);
  const adopted = new Map(adoptions.map((a) => [a.oneFileReviewId, a.reviewId]));
  const reviewUploads = candidates.filter((u) => !adoptions.some((a) => a.reviewId === u.reviewId));
  for (const a of adoptions) {
    oneFileChanges.push({ table: 'review', rowId: a.reviewId, field: 'oneFileId', oldValue: null, newValue: a.oneFileReviewId, direction: 'to_eportfolio', rule: input.firstSync ? 'D11' : 'D5' });
  }

  // D6: pull reviews when S10 is on; an adopted review is the PICS review it was uploaded from, not a new one.
  const newPicsReviews: NewPicsReview[] = [];
  const reviewsSeen: SyncPlan['reviewsSeen'] = [];
  if (settings.downloadReviews) {
    const byOneFileId = new Map(graph.reviews.filter((r) => r.oneFileId !== null).map((r) => [r.oneFileId!, r]));
    for (const [oneFileId, reviewId] of adopted) {
      const row = graph.reviews.find((r) => r.id === reviewId);
      if (row) byOneFileId.set(oneFileId, { ...row, oneFileId });
    }
    for (const review of input.reviews) {
      const pics = byOneFileId.get(review.id);
      if (pics) {
        picsChanges.push(...reconcileReview(pics, review, input.officerByOneFileId, input.standInAssessors?.get(review.id) ?? null));
      } else {
        const f = reviewFieldsFromOneFile(review, input.officerByOneFileId);
        newPicsReviews.push({ oneFileReviewId: review.id, ...f });
      }
      reviewsSeen.push({ review, complete: isReviewComplete(review) });
    }
  }

  // D7 learner demographics (D8 joins this push once its ids are resolved).
  let learnerPush: Record<string, string | number | null> | null = null;
  if (input.oneFileLearner) {
    const { changes, push } = reconcileLearnerDemographics(graph.learner, input.oneFileLearner, settings.learnerDemographicsMode);
    for (const c of changes) (c.direction === 'to_pics' ? picsChanges : oneFileChanges).push(c);
    if (Object.keys(push).length) learnerPush = { ...push };
  }

  // D7 officers and employer.
  const officerUpdates: OfficerUpdate[] = (input.officers ?? []).map(({ officer, oneFileId, oneFile }) => ({
    officerId: officer.id, oneFileId, ...reconcileOfficerDemographics(officer, oneFile, settings.officerDemographicsMode),
  }));
  const o = input.organisation;
  const organisationUpdate = o
    ? { organisationId: o.organisation.id, placementId: o.placementId, ...reconcileOrganisationDemographics(o.organisation, o.oneFile, settings.organisationDemographicsMode) }
    : null;

  return { picsChanges, newPicsReviews, adoptions, reviewsSeen, aimPushes, reviewUploads, learnerPush, oneFileChanges, officerUpdates, organisationUpdate };
}

export interface DefaultLinks {
  /** The OneFile ids of the PICS main officer and employer now (found or created by the job), for D8. */
  mainOfficerOneFileId: number | null;
  employerPlacementId: number | null;
  /** What the worker last pushed, so unchanged links cost no call. */
  lastPushed: { defaultAssessorId: number | null; placementId: number | null };
}

/** D8: the learner's Default Assessor (S8) and Placement (S9) when they changed since the last push. */
export function planDefaultLinks(settings: OneFileSettings, learnerId: number, links: DefaultLinks): { patch: Record<string, number>; changes: FieldChange[] } {
  const patch: Record<string, number> = {};
  const changes: FieldChange[] = [];
  const { mainOfficerOneFileId: officer, employerPlacementId: placement, lastPushed } = links;
  if (settings.pushMainOfficerChanges && officer !== null && officer !== lastPushed.defaultAssessorId) {
    patch.DefaultAssessorID = officer;
    changes.push({ table: 'learner', rowId: learnerId, field: 'DefaultAssessorID', oldValue: lastPushed.defaultAssessorId, newValue: officer, direction: 'to_eportfolio', rule: 'D8' });
  }
  if (settings.pushEmployerChanges && placement !== null && placement !== lastPushed.placementId) {
    patch.PlacementID = placement;
    changes.push({ table: 'learner', rowId: learnerId, field: 'PlacementID', oldValue: lastPushed.placementId, newValue: placement, direction: 'to_eportfolio', rule: 'D8' });
  }
  return { patch, changes };
}

/** A plan with nothing to do: an unchanged learner. */
export function isEmptyPlan(plan: SyncPlan): boolean {
  return plan.picsChanges.length === 0 && plan.newPicsReviews.length === 0 && plan.adoptions.length === 0 && plan.aimPushes.length === 0 &&
    plan.reviewUploads.length === 0 && plan.learnerPush === null &&
    plan.officerUpdates.every((u) => u.changes.length === 0) && (plan.organisationUpdate?.changes.length ?? 0) === 0;
}

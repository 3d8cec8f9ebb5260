import { describe, expect, it } from '@jest/globals';
import {
  auditFieldName, learnerQualificationFromRow, officerFromRow, placementFromRow, reviewFromRow, toColumns,
} from '../../src/pics/columns.js';

// PICS's rows become the domain's records and back in one table per PICS table (issue 18 item 5): the rules
// read camelCase fields, PICS keeps its own column names, and an audit line still names the PICS column.

const organisationRow = {
  id: 7, ident: 'E7', name: 'Acme', email: null, telephone: null, website: null, address1: '1 Road', address2: null, address3: null,
  address4: null, address5: null, postcode: 'M1 1AA', edrs_number: '100', additional_id: '18928',
};

describe('a PICS row as a domain record', () => {
  it('reads every field from its column, the ePortfolio link included', () => {
    expect(officerFromRow({ id: 3, ident: 'O3', forenames: 'Tom', surname: 'Smith', email: 't@x.example', telephone: null, mobile: '07', status: 'Live', other_system_id: '122762' }))
      .toEqual({ id: 3, ident: 'O3', forenames: 'Tom', surname: 'Smith', email: 't@x.example', telephone: null, mobile: '07', status: 'Live', ePortfolioId: '122762' });
    expect(reviewFromRow({
      id: 5, learner_id: 1, review_type: 'N', planned_date: '2026-12-10', planned_time: '10:00:00', attended: 'U', actual_date: null,
      officer_id: 3, trainee_signed_date: null, onefile_system_id: 77,
    })).toEqual({
      id: 5, learnerId: 1, type: 'N', plannedDate: '2026-12-10', plannedTime: '10:00:00', attended: 'U', actualDate: null,
      officerId: 3, traineeSignedDate: null, oneFileId: 77,
    });
  });

  it('nests the joined organisation and qualification as records too', () => {
    const placement = placementFromRow({ id: 2, learner_id: 1, organisation_id: 7, placement_type: 'P', start_date: '2026-01-01', end_date: null }, organisationRow);
    expect(placement).toMatchObject({ type: 'P', startDate: '2026-01-01', organisation: { edrsNumber: '100', ePortfolioId: '18928' } });
    expect(placementFromRow({ id: 2, learner_id: 1, organisation_id: null, placement_type: null, start_date: '2026-01-01', end_date: null }, null).organisation).toBeNull();
    const lq = learnerQualificationFromRow({
      id: 4, learner_id: 1, qualification_id: 10, assessor_officer_id: null, start_date: null, planned_end_date: null, achieved_date: null,
      claimed_date: null, registration_number: 'R1', registration_date: null, certificate_applied_date: null, certificate_received_date: null,
      total_elements: 12, elements_done: 3, onefile_learning_aim_id: 900,
    }, { id: 10, title: 'Plumbing', vq_reference: 'ST0303', level: '3', awarding_body: null }, 2);
    expect(lq).toMatchObject({ registrationNumber: 'R1', totalElements: 12, learningAimId: 900, unitCount: 2, qualification: { vqReference: 'ST0303' } });
  });
});

describe('a patch of domain fields as PICS columns', () => {
  it('names each column PICS keeps the field in', () => {
    expect(toColumns('learner', { firstName: 'Ada', niNumber: null })).toEqual({ first_name: 'Ada', ni_number: null });
    expect(toColumns('review', { oneFileId: 77, attended: 'Y' })).toEqual({ onefile_system_id: 77, attended: 'Y' });
    expect(toColumns('organisation', { ePortfolioId: '5' })).toEqual({ additional_id: '5' });
  });

  it('refuses a field PICS has no column for, naming it', () => {
    expect(() => toColumns('officer', { first_name: 'Tom' })).toThrow('PICS officer has no column for the field "first_name"');
    expect(() => toColumns('review', { toString: 'x' })).toThrow('no column for the field "toString"');
  });

  it('names a PICS field by its column in the audit, and leaves OneFile and the worker’s own names alone', () => {
    expect(auditFieldName('review', 'oneFileId')).toBe('onefile_system_id');
    expect(auditFieldName('learner_qualification', 'totalElements')).toBe('total_elements');
    expect(auditFieldName('learner', 'FirstName')).toBe('FirstName');
    expect(auditFieldName('review', 'stand_in_assessor')).toBe('stand_in_assessor');
    expect(auditFieldName('learner', 'toString')).toBe('toString');
  });
});

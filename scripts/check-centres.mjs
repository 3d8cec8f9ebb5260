#!/usr/bin/env node
// The multi-centre demo's check (issue 19): reads the simulated OneFile's state and fails when any learner's
// record points at a record of another centre, or when a centre has no learner. Usage: check-centres.mjs ADMIN_URL
/* eslint-disable no-console -- a command-line check: its output is the point */
/* global fetch -- Node's own */
const admin = process.argv[2] ?? 'http://127.0.0.1:8099/_admin';
const state = await (await fetch(`${admin}/state`)).json();
const byId = (rows) => new Map(rows.map((r) => [r.ID, r]));
const users = byId(state.users);
const placements = byId(state.placements);
const classrooms = byId(state.classrooms);
const standards = byId(state.standards);
const wrong = [];
const perCentre = new Map(state.organisations.map((o) => [o.ID, 0]));
for (const learner of state.users.filter((u) => u.Role === 1)) {
  const org = learner.OrganisationID;
  perCentre.set(org, (perCentre.get(org) ?? 0) + 1);
  const refs = [
    ['default assessor', users.get(learner.DefaultAssessorID)],
    ['placement', placements.get(learner.PlacementID)],
    ['classroom', classrooms.get(learner.ClassroomID)],
    ...state.learningAims.filter((a) => a.UserID === learner.ID).map((a) => ['learning aim standard', standards.get(a.StandardID)]),
    ...state.reviews.filter((r) => r.LearnerID === learner.ID).map((r) => ['review assessor', users.get(r.AssessorID)]),
  ];
  for (const [what, record] of refs) {
    if (!record || record.OrganisationID !== org) wrong.push(`learner ${learner.MISID} (centre ${org}): ${what} ${record?.ID ?? 'missing'} is in centre ${record?.OrganisationID ?? '-'}`);
  }
}
for (const [org, n] of perCentre) console.log(`centre ${org}: ${n} learner(s) in OneFile`);
if (wrong.length) {
  console.error(`${wrong.length} record(s) in the wrong centre:\n${wrong.join('\n')}`);
  process.exit(1);
}
if ([...perCentre.values()].some((n) => n === 0)) {
  console.error('a centre has no learner: the demo did not enrol into every centre');
  process.exit(1);
}
console.log('every learner\'s records are in its own centre');

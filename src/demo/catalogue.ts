/**
 * The demo training provider, shared by the PICS demo seed and the OneFile simulator's demo seed so that
 * both sides start out consistent: pre-linked officers and organisations already exist in OneFile under the
 * ids PICS holds, and most PICS qualifications have a OneFile standard whose bracketed code matches.
 * Everything here is fictional.
 */

export const DEMO_CUSTOMER = { id: 2070, name: 'Northgate Training (demo)' } as const;
export const DEMO_ORGANISATION = { id: 5740, name: 'Northgate Training - Apprenticeships' } as const;
/**
 * A second centre, for the multi-centre demo (issue 19): fully separate data in OneFile, with its own ids for
 * the standards it offers (not every qualification: links differ per centre) and an account of its own for the
 * officer it shares with the first centre, found by MIS value = the PICS ident.
 */
export const DEMO_SECOND_CENTRE = {
  id: 5741,
  name: 'Northgate Training - Adult Skills',
  /** Standard ids there are the first centre's + this offset; only these qualifications are offered. */
  standardIdOffset: 1_000_000,
  offers: ['Team Leader or Supervisor', 'Customer Service Practitioner', 'Business Administrator', 'Functional Skills English Level 2'],
  /** The officer with an account in both centres already (by MIS value); the others are created at enrol. */
  sharedAssessor: { id: 222762, ident: 'O0001' },
  classrooms: [{ id: 25379, name: 'All Learners' }],
} as const;

/** Demo-only credential: the simulator accepts it and the demo seed stores it in pics.onefile_settings. */
export const DEMO_CUSTOMER_TOKEN = 'demo-customer-token-7f3c2a';
export const DEMO_DEFAULT_CLASSROOM = 'All Learners';

export interface DemoStandard { id: number; title: string; code?: string }
export interface DemoQualification {
  title: string;
  vqReference: string | null;
  level: string;
  awardingBody: string;
  /** OneFile standards this qualification should link to (several = pathways, Q2); empty = not in OneFile. */
  standards: DemoStandard[];
}

export const DEMO_QUALIFICATIONS: DemoQualification[] = [
  { title: 'Team Leader or Supervisor', vqReference: 'ST0384AS', level: '3', awardingBody: 'ESFA',
    standards: [{ id: 55774, title: 'Team Leader or Supervisor [ST0384]' }] },
  { title: 'Customer Service Practitioner', vqReference: 'st0072 as', level: '2', awardingBody: 'ESFA',
    standards: [{ id: 41240, title: 'Customer Service Practitioner [ST0072]' }] },
  { title: 'Business Administrator', vqReference: 'ST0070AS', level: '3', awardingBody: 'ESFA',
    standards: [
      { id: 41301, title: 'Business Administrator - Finance pathway [ST0070]' },
      { id: 41302, title: 'Business Administrator - HR pathway [ST0070]' },
    ] },
  { title: 'Level 2 Diploma in Hairdressing', vqReference: '600/1234/5', level: '2', awardingBody: 'City & Guilds',
    standards: [{ id: 272, title: 'Diploma in Hairdressing', code: '60012345' }] },
  { title: 'Level 3 Certificate in Assessing Vocational Achievement', vqReference: '601/5134/9', level: '3',
    awardingBody: 'Pearson', standards: [{ id: 30511, title: 'Certificate in Assessing Vocational Achievement [6015134/9]' }] },
  { title: 'Functional Skills English Level 2', vqReference: '603/5057/7', level: '2', awardingBody: 'NCFE',
    standards: [{ id: 30777, title: 'Functional Skills English L2 [603/5057/7]' }] },
  { title: 'Functional Skills Maths Level 2', vqReference: '603/5060/7', level: '2', awardingBody: 'NCFE',
    standards: [{ id: 30778, title: 'Functional Skills Maths L2 [60350607]' }] },
  { title: 'Warehouse Operative', vqReference: 'ST0259AS', level: '2', awardingBody: 'ESFA',
    standards: [{ id: 55901, title: 'Warehouse Operative [ST0259]' }] },
  // Not in OneFile: reported as "not available", never failed (E2).
  { title: 'Level 1 Award in Health and Safety', vqReference: '500/2345/1', level: '1', awardingBody: 'Highfield', standards: [] },
  { title: 'Employability Skills (non-regulated)', vqReference: null, level: 'E3', awardingBody: 'In-house', standards: [] },
];

/** Standards that exist in OneFile but match no PICS qualification. */
export const DEMO_UNMATCHED_STANDARDS: DemoStandard[] = [
  { id: 60001, title: 'Data Analyst [ST0118]' },
  { id: 60002, title: 'Adult Care Worker [ST0005]' },
];

export interface DemoOfficer {
  ident: string; forenames: string; surname: string; email: string;
  /** Already linked: PICS holds this OneFile assessor id and the simulator has the assessor. */
  oneFileAssessorId?: number;
}

export const DEMO_OFFICERS: DemoOfficer[] = [
  { ident: 'O0001', forenames: 'Priya', surname: 'Shah', email: 'priya.shah@northgate.example', oneFileAssessorId: 122762 },
  { ident: 'O0002', forenames: 'Tom', surname: 'Bradley', email: 'tom.bradley@northgate.example', oneFileAssessorId: 122763 },
  { ident: 'O0003', forenames: 'Grace', surname: 'Okafor', email: 'grace.okafor@northgate.example' },
  { ident: 'O0004', forenames: 'Daniel', surname: 'Hughes', email: 'daniel.hughes@northgate.example' },
  { ident: 'O0005', forenames: 'Aisha', surname: 'Rahman', email: 'aisha.rahman@northgate.example', oneFileAssessorId: 122764 },
  { ident: 'O0006', forenames: 'Mark', surname: 'Ellis', email: 'mark.ellis@northgate.example' },
  { ident: 'O0007', forenames: 'Sophie', surname: 'Turner', email: 'sophie.turner@northgate.example' },
  { ident: 'O0008', forenames: 'Ravi', surname: 'Patel', email: 'ravi.patel@northgate.example' },
];

/** Assessors that exist only in OneFile (for the look-up picker and for D6 "left unmatched"). */
export const DEMO_ONEFILE_ONLY_ASSESSORS = [
  { id: 122790, firstName: 'Helen', lastName: 'Carter', misId: 'EXT01' },
];

export interface DemoOrganisation {
  ident: string; name: string; email: string; telephone: string; website: string;
  address: [string, string, string]; postcode: string; edrsNumber: string;
  oneFilePlacementId?: number;
}

export const DEMO_ORGANISATIONS: DemoOrganisation[] = [
  { ident: 'E0001', name: 'Brightwater Logistics Ltd', email: 'hr@brightwater.example', telephone: '0161 496 0001',
    website: 'https://brightwater.example', address: ['Unit 4 Canal Park', 'Trafford', 'Manchester'], postcode: 'M17 1AB',
    edrsNumber: '100000001', oneFilePlacementId: 18928 },
  { ident: 'E0002', name: 'Harbour View Hotel', email: 'jobs@harbourview.example', telephone: '0151 496 0002',
    website: 'https://harbourview.example', address: ['1 Quay Street', 'Liverpool', 'Merseyside'], postcode: 'L3 4AA',
    edrsNumber: '100000002', oneFilePlacementId: 18929 },
  { ident: 'E0003', name: 'Cutting Edge Salons', email: 'team@cuttingedge.example', telephone: '0113 496 0003',
    website: 'https://cuttingedge.example', address: ['22 Briggate', 'Leeds', 'West Yorkshire'], postcode: 'LS1 6HD',
    edrsNumber: '100000003' },
  { ident: 'E0004', name: 'Pennine Manufacturing plc', email: 'training@pennine.example', telephone: '01484 496004',
    website: 'https://pennine.example', address: ['Mill Lane', 'Huddersfield', 'West Yorkshire'], postcode: 'HD1 2ZZ',
    edrsNumber: '100000004' },
  { ident: 'E0005', name: 'Northgate Council Services', email: 'people@ncs.example', telephone: '0114 496 0005',
    website: 'https://ncs.example', address: ['Town Hall', 'Sheffield', 'South Yorkshire'], postcode: 'S1 2HH',
    edrsNumber: '100000005' },
  { ident: 'E0006', name: 'Greenleaf Garden Centre', email: 'info@greenleaf.example', telephone: '01904 496006',
    website: 'https://greenleaf.example', address: ['York Road', 'Acomb', 'York'], postcode: 'YO24 1AA',
    edrsNumber: '100000006' },
];

/** PICS tags; the ones with a OneFile classroom already exist there under that name (E6, S4). */
export const DEMO_TAGS = ['Cohort Sept 2026', 'Cohort Jan 2027', 'Leeds Centre', 'Manchester Centre'];
export const DEMO_EXISTING_CLASSROOMS = [
  { id: 15379, name: DEMO_DEFAULT_CLASSROOM },
  { id: 15380, name: 'Cohort Sept 2026' },
];

export const DEMO_LEARNER_COUNT = 60;

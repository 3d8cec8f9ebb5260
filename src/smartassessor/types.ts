/*
 * The Smart Assessor API as the worker sees it: plain records and the operations it uses. Smart Assessor
 * publishes no API documentation; the operations and field names are those public MIS code sends to its SOAP
 * 1.2 API (reference pics-smartassessor.md §4.2, spellings as found). The SOAP client in soap-client.ts is
 * one implementation of SmartAssessorApi; a REST client would be another, and nothing above this folder
 * would change.
 */

/** An assessor (staff user), as getAllAssessorDetail lists it. The password it may carry is never read. */
export interface SaAssessor {
  smartAssessorId: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  userName: string | null;
  /** The MIS's own id stamped on the record (the wire's external-id field), if any. */
  misId: string | null;
}

/** An employer, as getAllEmployerDetail lists it. Employer ids are numeric (§4.2). */
export interface SaEmployer {
  smartAssessorId: number;
  name: string;
  edrsNumber: string | null;
  postcode: string | null;
  misId: string | null;
}

/** A learner, as getAllLearnerDetail lists it: only what the enrol's look-before-create needs. */
export interface SaLearner {
  smartAssessorId: string;
  misId: string | null;
  uln: string | null;
  givenNames: string | null;
  familyName: string | null;
}

/** What the worker sends to create an employer (A4). Absent fields are not sent at all. */
export interface NewEmployer {
  misId: string;
  name: string;
  telephone?: string;
  edrsNumber?: string;
  addressLine1?: string;
  addressLine2?: string;
  town?: string;
  county?: string;
  postcode?: string;
  website?: string;
}

/** What the worker sends to create a learner (A2, A3). Absent fields are not sent at all. */
export interface NewLearner {
  /** The PICS learner ident, stamped as the MIS id: the key that finds the learner again after a crash. */
  misId: string;
  givenNames: string;
  familyName: string;
  dateOfBirth?: string;
  uln?: string;
  niNumber?: string;
  email?: string;
  telephone?: string;
  mobile?: string;
  addressLine1?: string;
  locality?: string;
  town?: string;
  county?: string;
  postcode?: string;
  employerSmartAssessorId: number;
  /** A2: only when the main officer has a Smart Assessor id; otherwise absent and no officer data is sent. */
  assessorSmartAssessorId?: string;
  sendWelcomeEmail?: boolean;
}

/** A partial update of a learner (updateLearnerDetail); e.g. stamping the MIS id on an existing record. */
export interface LearnerUpdate {
  smartAssessorId: string;
  misId?: string;
  email?: string;
  telephone?: string;
  mobile?: string;
}

export interface SmartAssessorApi {
  getAllAssessors(): Promise<SaAssessor[]>;
  getAllEmployers(): Promise<SaEmployer[]>;
  getAllLearners(): Promise<SaLearner[]>;
  /** Returns the new employer's id. */
  insertEmployer(employer: NewEmployer): Promise<number>;
  /** Returns the new learner's id (GUID-like, at most 36 characters: pics.learner.smartassessor_id). */
  insertLearner(learner: NewLearner): Promise<string>;
  updateLearner(update: LearnerUpdate): Promise<void>;
  /** Calls made by this client so far (for job summaries). */
  callsMade(): number;
}

/** The connection settings a client needs; the API key is a secret and stays inside the client. */
export interface SmartAssessorConnection {
  /** The SOAP endpoint; its WSDL is `${baseUrl}?wsdl`. */
  baseUrl: string;
  apiKey: string;
}

export interface SmartAssessorClientOptions {
  signal?: AbortSignal;
}

export type SmartAssessorClientFactory = (connection: SmartAssessorConnection, options?: SmartAssessorClientOptions) => SmartAssessorApi;

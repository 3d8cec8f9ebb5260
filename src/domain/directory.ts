/** One assessor or employer of the active ePortfolio, as the Look Up … ID picker lists it (A1). */
export interface DirectoryEntry {
  kind: 'assessor' | 'employer';
  externalId: string;
  name: string;
  email: string | null;
  misId: string | null;
  archived: boolean;
  /** Multi-centre mode: the OneFile organisation (centre) the record is in; absent where there is one. */
  organisationId?: number;
}

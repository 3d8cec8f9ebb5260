/** One assessor or employer of the active ePortfolio, as the Look Up … ID picker lists it (A1). */
export interface DirectoryEntry {
  kind: 'assessor' | 'employer';
  externalId: string;
  name: string;
  email: string | null;
  misId: string | null;
  archived: boolean;
}

import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.js';
import type { OneFileSettings } from '../../domain/settings.js';
import {
  officersByOtherSystemIds, readOfficerOtherSystemId, readOrganisationAdditionalId, setOfficerOtherSystemId, setOrganisationAdditionalId,
} from '../../pics/index.js';
import {
  picsIdsByCentreIdentity, readCentreIdentities, readCentreIdentity, recordCentreIdentity, type CentreRecordKind,
} from '../../store/centres.js';

/*
 * Where an officer's or employer's OneFile id is kept. Single-centre: on the PICS record (Other System ID,
 * Additional ID), as PICSWeb does (E4, E5). Multi-centre: one PICS officer has an account in each centre, and
 * the PICS record can name only one, so the worker keeps each centre's id in its own schema; Other System ID and
 * Additional ID keep their single-centre meaning and are neither read nor written in that mode.
 */

export type SharedRecordKind = CentreRecordKind;

export interface IdentityStore {
  /** The OneFile id of a PICS record in a centre; `linked` is what PICS holds, used in single-centre mode. */
  read(db: Kysely<DB>, kind: SharedRecordKind, picsId: number, organisationId: number): Promise<number | null>;
  /** Several at once, for the sync's reads: PICS id → OneFile id. `linked` carries PICS's own values. */
  readMany(db: Kysely<DB>, kind: SharedRecordKind, linked: Map<number, number | null>, organisationId: number): Promise<Map<number, number>>;
  write(db: Kysely<DB>, kind: SharedRecordKind, picsId: number, organisationId: number, oneFileId: number): Promise<void>;
  /** D6: a review's OneFile assessor → the PICS officer, within the centre. */
  officersByOneFileId(db: Kysely<DB>, oneFileIds: number[], organisationId: number): Promise<Map<number, number>>;
}

const onPicsRecords: IdentityStore = {
  read: (db, kind, picsId) => (kind === 'officer' ? readOfficerOtherSystemId(db, picsId) : readOrganisationAdditionalId(db, picsId)),
  readMany: async (_db, _kind, linked) => new Map([...linked].filter((e): e is [number, number] => e[1] !== null)),
  write: (db, kind, picsId, _org, oneFileId) =>
    (kind === 'officer' ? setOfficerOtherSystemId(db, picsId, String(oneFileId)) : setOrganisationAdditionalId(db, picsId, String(oneFileId))),
  officersByOneFileId: async (db, oneFileIds) =>
    new Map([...(await officersByOtherSystemIds(db, oneFileIds.map(String)))].map(([k, v]) => [Number(k), v])),
};

const perCentre: IdentityStore = {
  read: (db, kind, picsId, org) => readCentreIdentity(db, kind, picsId, org),
  readMany: (db, kind, linked, org) => readCentreIdentities(db, kind, [...linked.keys()], org),
  write: (db, kind, picsId, org, oneFileId) => recordCentreIdentity(db, kind, picsId, org, oneFileId),
  officersByOneFileId: (db, oneFileIds, org) => picsIdsByCentreIdentity(db, 'officer', oneFileIds, org),
};

export function identityStore(settings: Pick<OneFileSettings, 'multiCentre'>): IdentityStore {
  return settings.multiCentre ? perCentre : onPicsRecords;
}

import type { Kysely } from 'kysely';
import type { DB } from '../db/types.js';

// The ePortfolio ids PICS holds on officers (Other System ID) and organisations (Additional ID), read for
// the Look Up … ID picker (A1): who a record is, and who already holds a given id.

export interface LinkHolder {
  id: number;
  ident: string | null;
  name: string;
  externalId: string | null;
}

const clean = (v: string | null) => (v?.trim() ? v.trim() : null);

export async function findOfficerLink(db: Kysely<DB>, officerId: number): Promise<LinkHolder | null> {
  const r = await db.selectFrom('pics.officer').select(['id', 'ident', 'forenames', 'surname', 'other_system_id']).where('id', '=', officerId).executeTakeFirst();
  return r ? { id: r.id, ident: r.ident, name: `${r.forenames} ${r.surname}`.trim(), externalId: clean(r.other_system_id) } : null;
}

export async function findOrganisationLink(db: Kysely<DB>, organisationId: number): Promise<LinkHolder | null> {
  const r = await db.selectFrom('pics.organisation').select(['id', 'ident', 'name', 'additional_id']).where('id', '=', organisationId).executeTakeFirst();
  return r ? { id: r.id, ident: r.ident, name: r.name, externalId: clean(r.additional_id) } : null;
}

/** Officers by row id (multi-centre look-ups, whose ids the worker keeps, not PICS). */
export async function officerLinksByIds(db: Kysely<DB>, officerIds: number[]): Promise<LinkHolder[]> {
  if (officerIds.length === 0) return [];
  const rows = await db.selectFrom('pics.officer').select(['id', 'ident', 'forenames', 'surname']).where('id', 'in', officerIds).orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, ident: r.ident, name: `${r.forenames} ${r.surname}`.trim(), externalId: null }));
}

export async function organisationLinksByIds(db: Kysely<DB>, organisationIds: number[]): Promise<LinkHolder[]> {
  if (organisationIds.length === 0) return [];
  const rows = await db.selectFrom('pics.organisation').select(['id', 'ident', 'name']).where('id', 'in', organisationIds).orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, ident: r.ident, name: r.name, externalId: null }));
}

/** Officers holding any of these ids in Other System ID. */
export async function officersLinkedTo(db: Kysely<DB>, externalIds: string[]): Promise<LinkHolder[]> {
  if (externalIds.length === 0) return [];
  const rows = await db.selectFrom('pics.officer').select(['id', 'ident', 'forenames', 'surname', 'other_system_id'])
    .where('other_system_id', 'in', externalIds).orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, ident: r.ident, name: `${r.forenames} ${r.surname}`.trim(), externalId: clean(r.other_system_id) }));
}

/** Organisations holding any of these ids in Additional ID. */
export async function organisationsLinkedTo(db: Kysely<DB>, externalIds: string[]): Promise<LinkHolder[]> {
  if (externalIds.length === 0) return [];
  const rows = await db.selectFrom('pics.organisation').select(['id', 'ident', 'name', 'additional_id'])
    .where('additional_id', 'in', externalIds).orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, ident: r.ident, name: r.name, externalId: clean(r.additional_id) }));
}

/** PICS's own reference of an officer (ident), as users know it, to its row id. */
export async function findOfficerIdByIdent(db: Kysely<DB>, ident: string): Promise<number | null> {
  const r = await db.selectFrom('pics.officer').select('id').where('ident', '=', ident.trim()).orderBy('id').executeTakeFirst();
  return r?.id ?? null;
}

/** PICS's own reference of an organisation (ident) to its row id. */
export async function findOrganisationIdByIdent(db: Kysely<DB>, ident: string): Promise<number | null> {
  const r = await db.selectFrom('pics.organisation').select('id').where('ident', '=', ident.trim()).orderBy('id').executeTakeFirst();
  return r?.id ?? null;
}

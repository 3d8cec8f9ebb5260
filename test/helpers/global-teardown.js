import pg from 'pg';

export default async function globalTeardown() {
  const template = process.env.TEST_TEMPLATE_DATABASE;
  if (!template) return;
  const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' });
  await admin.connect();
  try {
    await admin.query(`drop database if exists "${template}" with (force)`);
  } finally {
    await admin.end();
  }
}

// Run once by the mongo image's entrypoint, as the root user, on an empty data directory
// (/docker-entrypoint-initdb.d). One user per service, in the service's own database, allowed to
// read and write that database only: a service that is taken over cannot read another's data,
// nor manage users, roles or the replica set. Passwords come from the environment, never from here.
const users = [
  { user: 'auth-server', db: 'knotless-auth', password: 'MONGO_AUTH_SERVER_PASSWORD' },
  { user: 'intake-service', db: 'knotless-intake', password: 'MONGO_INTAKE_PASSWORD' },
  { user: 'session-service', db: 'knotless-session', password: 'MONGO_SESSION_PASSWORD' },
  { user: 'outcomes-service', db: 'knotless-outcomes', password: 'MONGO_OUTCOMES_PASSWORD' },
];

for (const { user, db: name, password } of users) {
  const pwd = process.env[password];
  if (!pwd) {
    throw new Error(`${password} is not set: no user ${user} created`);
  }
  db.getSiblingDB(name).createUser({ user, pwd, roles: [{ role: 'readWrite', db: name }] });
  print(`created user ${user} (readWrite on ${name})`);
}

"""The results in PostgreSQL. libpq reads PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD and
PGSSLMODE by itself: an empty connection string is the tenant's database."""
import psycopg

SCHEMA = """
CREATE TABLE IF NOT EXISTS tasks (
  id          uuid PRIMARY KEY,
  text        text NOT NULL,
  seconds     double precision NOT NULL DEFAULT 0,
  status      text NOT NULL DEFAULT 'queued',
  result      text,
  attempts    integer NOT NULL DEFAULT 0,
  completions integer NOT NULL DEFAULT 0,
  created_at  timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
)
"""


def connect() -> psycopg.Connection:
    return psycopg.connect("", autocommit=True)


def ensure_schema() -> None:
    with connect() as conn:
        # Two processes starting together may both create the table: one waits for the other.
        conn.execute("SELECT pg_advisory_lock(7201)")
        try:
            conn.execute(SCHEMA)
        finally:
            conn.execute("SELECT pg_advisory_unlock(7201)")

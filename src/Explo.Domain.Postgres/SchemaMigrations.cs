using Npgsql;

namespace Explo.Domain.Postgres;

/// <summary>
/// The store's tables, in the first schema of the connection's search path, created and brought forward by numbered
/// migrations in code. The version is the one row of <c>explo_schema</c> (no table: 0, a new database). Opening runs
/// under a session advisory lock, so two instances starting together migrate once; a newer version is refused.
/// </summary>
internal static class SchemaMigrations
{
    /// <summary>The schema version this adapter writes.</summary>
    public const int Version = 6;

    /// <summary>Migrations[v] takes a database from schema version v to v + 1, in one transaction.</summary>
    private static readonly string[] Migrations =
    [
        // 1: everything. Text compared byte-wise (COLLATE "C") wherever the domain compares exactly. Properties and
        // mapping are the exact JSON text (jsonb would rewrite numbers and key order). Times are .NET ticks (UTC), exact.
        // The unique constraints are checked at commit (DEFERRABLE), as a change set is applied whole: a tag or customer
        // may hand its name, provided id or token to another in the same change set. A parent must exist at commit.
        """
        CREATE TABLE explo_schema (version int NOT NULL);
        INSERT INTO explo_schema VALUES (0);
        CREATE TABLE explo_state (
            id int PRIMARY KEY CHECK (id = 1),
            last_customer_id bigint NOT NULL);
        INSERT INTO explo_state VALUES (1, 0);
        CREATE TABLE workspace (
            id int PRIMARY KEY CHECK (id = 1),
            json text NOT NULL);
        CREATE TABLE group_tags (
            id int PRIMARY KEY,
            name text COLLATE "C" NOT NULL,
            CONSTRAINT group_tags_name_key UNIQUE (name) DEFERRABLE INITIALLY DEFERRED);
        CREATE TABLE customers (
            id bigint PRIMARY KEY,
            provided_id text COLLATE "C" NOT NULL,
            token text COLLATE "C" NOT NULL,
            name text NOT NULL,
            demo boolean NOT NULL,
            emails text[] NOT NULL,
            tags bigint[] NOT NULL,
            properties text NOT NULL,
            mapping text NOT NULL,
            level int NOT NULL,
            dvg int NOT NULL,
            parent bigint REFERENCES customers (id) DEFERRABLE INITIALLY DEFERRED,
            created_ticks bigint NOT NULL,
            updated_ticks bigint NOT NULL,
            version bigint NOT NULL,
            CONSTRAINT customers_provided_id_key UNIQUE (provided_id) DEFERRABLE INITIALLY DEFERRED,
            CONSTRAINT customers_token_key UNIQUE (token) DEFERRABLE INITIALLY DEFERRED);
        CREATE INDEX customers_parent ON customers (parent, id);
        CREATE INDEX customers_tags ON customers USING gin (tags);
        CREATE INDEX customers_dvg ON customers (dvg, id);
        CREATE INDEX customers_level_dvg ON customers (level, dvg, id);
        CREATE TABLE events (
            sequence bigint PRIMARY KEY,
            kind text NOT NULL,
            occurred_ticks bigint NOT NULL,
            json text NOT NULL);
        """,

        // 2: the tag index holds only customers with tags. A GIN index keeps an entry even for an empty array, which
        // cost a bulk insert of untagged customers about a quarter of the table's own time; the lookup says
        // "tags <> '{}'" so the planner can use the partial index.
        """
        DROP INDEX customers_tags;
        CREATE INDEX customers_tags ON customers USING gin (tags) WHERE tags <> '{}';
        """,

        // 3: how many customers each DVG has at each level, kept exact by statement-level triggers (one grouped update
        // per statement, COPY included, from its transition table), so a page's total is a few rows' sum instead of a
        // scan of every customer of the DVG. Zero rows may stay; sums are unaffected.
        """
        CREATE TABLE customer_counts (
            dvg int NOT NULL,
            level int NOT NULL,
            n bigint NOT NULL,
            PRIMARY KEY (dvg, level));
        INSERT INTO customer_counts SELECT dvg, level, count(*) FROM customers GROUP BY dvg, level;
        CREATE FUNCTION explo_count_customers() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
        BEGIN
            IF TG_OP IN ('DELETE', 'UPDATE') THEN
                UPDATE customer_counts c SET n = c.n - o.n
                FROM (SELECT dvg, level, count(*) AS n FROM old_rows GROUP BY dvg, level) o
                WHERE c.dvg = o.dvg AND c.level = o.level;
            END IF;
            IF TG_OP IN ('INSERT', 'UPDATE') THEN
                INSERT INTO customer_counts AS c (dvg, level, n)
                SELECT dvg, level, count(*) FROM new_rows GROUP BY dvg, level
                ON CONFLICT (dvg, level) DO UPDATE SET n = c.n + EXCLUDED.n;
            END IF;
            RETURN NULL;
        END $$;
        CREATE TRIGGER customers_counted_insert AFTER INSERT ON customers
            REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION explo_count_customers();
        CREATE TRIGGER customers_counted_update AFTER UPDATE ON customers
            REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION explo_count_customers();
        CREATE TRIGGER customers_counted_delete AFTER DELETE ON customers
            REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION explo_count_customers();
        """,

        // 4: a version of the customers, raised by every statement that changes one (by the same triggers, so changes
        // made by hand in SQL count too), in the changing transaction: a read that finds the version its instance's
        // cache was filled at may use the cache, since no customer changed in between.
        """
        ALTER TABLE explo_state ADD COLUMN customers_version bigint NOT NULL DEFAULT 0;
        CREATE OR REPLACE FUNCTION explo_count_customers() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
        BEGIN
            IF TG_OP IN ('DELETE', 'UPDATE') THEN
                UPDATE customer_counts c SET n = c.n - o.n
                FROM (SELECT dvg, level, count(*) AS n FROM old_rows GROUP BY dvg, level) o
                WHERE c.dvg = o.dvg AND c.level = o.level;
            END IF;
            IF TG_OP IN ('INSERT', 'UPDATE') THEN
                INSERT INTO customer_counts AS c (dvg, level, n)
                SELECT dvg, level, count(*) FROM new_rows GROUP BY dvg, level
                ON CONFLICT (dvg, level) DO UPDATE SET n = c.n + EXCLUDED.n;
            END IF;
            IF TG_OP = 'TRUNCATE' THEN
                DELETE FROM customer_counts;
            END IF;
            UPDATE explo_state SET customers_version = customers_version + 1;
            RETURN NULL;
        END $$;
        CREATE TRIGGER customers_versioned_truncate AFTER TRUNCATE ON customers
            FOR EACH STATEMENT EXECUTE FUNCTION explo_count_customers();
        """,

        // 5: how many customers each DVG has at each level in each block of 4,096 ids (id >> 12), kept by the same
        // triggers: a page's first row is found by summing the blocks before it (a few hundred rows for a million
        // customers) and skipping inside one block, instead of skipping every customer before the page in an index.
        """
        CREATE TABLE customer_blocks (
            dvg int NOT NULL,
            level int NOT NULL,
            block bigint NOT NULL,
            n bigint NOT NULL,
            PRIMARY KEY (dvg, level, block));
        INSERT INTO customer_blocks SELECT dvg, level, id >> 12, count(*) FROM customers GROUP BY 1, 2, 3;
        CREATE OR REPLACE FUNCTION explo_count_customers() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
        BEGIN
            IF TG_OP IN ('DELETE', 'UPDATE') THEN
                UPDATE customer_counts c SET n = c.n - o.n
                FROM (SELECT dvg, level, count(*) AS n FROM old_rows GROUP BY dvg, level) o
                WHERE c.dvg = o.dvg AND c.level = o.level;
                UPDATE customer_blocks c SET n = c.n - o.n
                FROM (SELECT dvg, level, id >> 12 AS block, count(*) AS n FROM old_rows GROUP BY 1, 2, 3) o
                WHERE c.dvg = o.dvg AND c.level = o.level AND c.block = o.block;
            END IF;
            IF TG_OP IN ('INSERT', 'UPDATE') THEN
                INSERT INTO customer_counts AS c (dvg, level, n)
                SELECT dvg, level, count(*) FROM new_rows GROUP BY dvg, level
                ON CONFLICT (dvg, level) DO UPDATE SET n = c.n + EXCLUDED.n;
                INSERT INTO customer_blocks AS c (dvg, level, block, n)
                SELECT dvg, level, id >> 12, count(*) FROM new_rows GROUP BY 1, 2, 3
                ON CONFLICT (dvg, level, block) DO UPDATE SET n = c.n + EXCLUDED.n;
            END IF;
            IF TG_OP = 'TRUNCATE' THEN
                DELETE FROM customer_counts;
                DELETE FROM customer_blocks;
            END IF;
            UPDATE explo_state SET customers_version = customers_version + 1;
            RETURN NULL;
        END $$;
        """,

        // 6: idempotency keys, each stored with the change it answered (in its transaction), by scope (an API token)
        // and key, exact; expired ones are deleted by the next key stored, through the expiry index.
        """
        CREATE TABLE idempotency_keys (
            scope text COLLATE "C" NOT NULL,
            key text COLLATE "C" NOT NULL,
            fingerprint text COLLATE "C" NOT NULL,
            status int NOT NULL,
            body bytea NOT NULL,
            tag text COLLATE "C",
            created_ticks bigint NOT NULL,
            expires_ticks bigint NOT NULL,
            PRIMARY KEY (scope, key));
        CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_ticks);
        """,
    ];

    /// <summary>
    /// Creates or migrates the tables of the connection's schema, under a session advisory lock on it.
    /// </summary>
    /// <returns>The version found before (0 for a new database).</returns>
    /// <exception cref="PostgresStoreException">The database holds a newer schema.</exception>
    public static int Open(NpgsqlConnection connection, int schemaKey, string target) => Open(connection, schemaKey, target, Version);

    /// <summary>As <see cref="Open(NpgsqlConnection, int, string)"/>, but migrating no further than <paramref name="upTo"/> (tests build old schemas with it).</summary>
    internal static int Open(NpgsqlConnection connection, int schemaKey, string target, int upTo)
    {
        Execute(connection, "SELECT pg_advisory_lock($1, $2)", StoreLocks.Migration, schemaKey);
        try
        {
            var before = StoredVersion(connection);
            if (before > Version)
            {
                throw new PostgresStoreException($"The PostgreSQL database {target} holds Explo schema {before}, newer than the {Version} this version of Explo understands; upgrade Explo to use it.");
            }

            for (var version = before; version < upTo; version++)
            {
                using var transaction = connection.BeginTransaction();
                Execute(connection, Migrations[version]);
                Execute(connection, "UPDATE explo_schema SET version = $1", version + 1);
                transaction.Commit();
            }

            return before;
        }
        finally
        {
            Execute(connection, "SELECT pg_advisory_unlock($1, $2)", StoreLocks.Migration, schemaKey);
        }
    }

    /// <summary>The schema version stored in the connection's schema (0 when it has no Explo tables).</summary>
    public static int StoredVersion(NpgsqlConnection connection)
    {
        using var exists = new NpgsqlCommand("SELECT to_regclass('explo_schema') IS NOT NULL", connection);
        if (!(bool)exists.ExecuteScalar()!)
        {
            return 0;
        }

        using var read = new NpgsqlCommand("SELECT version FROM explo_schema", connection);
        return read.ExecuteScalar() is int v ? v : 0;
    }

    private static void Execute(NpgsqlConnection connection, string sql, params object[] values)
    {
        using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        command.ExecuteNonQuery();
    }
}

/// <summary>The advisory lock classes of the store (the first key; the second is the schema's key).</summary>
internal static class StoreLocks
{
    /// <summary>Held (per session) while the schema is created or migrated.</summary>
    public const int Migration = 0x4578_0001;

    /// <summary>Held (per transaction) by every unit of work that writes: writers of one workspace are serialised.</summary>
    public const int Writer = 0x4578_0002;
}

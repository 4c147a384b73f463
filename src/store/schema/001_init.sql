-- kin index schema, migration 1: labels, samples, functions and their postings.
-- Embedded into libkin at build time (cmake/KinSchema.cmake); applied in order by
-- src/store/sqlite_schema.c, which records the last one applied in PRAGMA user_version.
-- Identity (PRAGMA application_id) and journal mode are set by the code, not here.

-- Index-wide settings: 'sig_scheme' is the signature scheme of every hash stored here.
CREATE TABLE meta(
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE actors(
    id      INTEGER PRIMARY KEY,
    name    TEXT NOT NULL UNIQUE,
    aliases TEXT NOT NULL DEFAULT ''
);

CREATE TABLE families(
    id      INTEGER PRIMARY KEY,
    name    TEXT NOT NULL UNIQUE,
    actor   INTEGER REFERENCES actors(id),
    aliases TEXT NOT NULL DEFAULT '',
    kind    TEXT NOT NULL DEFAULT 'malware' CHECK (kind IN ('malware', 'tool', 'library'))
);
CREATE INDEX families_actor ON families(actor);

-- One row per indexed file. first_seen is the Unix time this index first added it; scheme is
-- the signature scheme its functions were hashed with; code_size sums its function sizes.
CREATE TABLE samples(
    id             INTEGER PRIMARY KEY,
    sha256         TEXT NOT NULL UNIQUE,
    family         INTEGER REFERENCES families(id),
    version        TEXT,
    arch           TEXT,
    format         TEXT,
    source         TEXT,
    first_seen     INTEGER NOT NULL,
    scheme         INTEGER NOT NULL,
    function_count INTEGER NOT NULL,
    code_size      INTEGER NOT NULL,
    file_size      INTEGER NOT NULL,
    md5            TEXT,
    sha1           TEXT,
    imphash        TEXT,
    rich_hash      TEXT,
    tlsh           TEXT,
    ssdeep         TEXT
);
CREATE INDEX samples_family ON samples(family);

-- Functions: id is (sample << 18) | index of the function in the sample (address order), so a
-- sample's functions are one rowid range and postings need only the 18-bit index.
-- minhash is KIN_MINHASH_SIZE little-endian uint32 values.
CREATE TABLE functions(
    id      INTEGER PRIMARY KEY,
    va      INTEGER NOT NULL,
    size    INTEGER NOT NULL,
    flags   INTEGER NOT NULL,
    pichash INTEGER NOT NULL,
    minhash BLOB NOT NULL,
    name    TEXT
);

-- Postings: which functions hold a position-independent hash or an LSH band value. The key
-- covers every column, so a lookup is one index-only range scan; family (0 = none) precedes
-- sample so "does family F already hold this value" is one seek when statistics are kept.
CREATE TABLE pic_postings(
    hash   INTEGER NOT NULL,
    family INTEGER NOT NULL,
    sample INTEGER NOT NULL,
    func   INTEGER NOT NULL,
    PRIMARY KEY (hash, family, sample, func)
) WITHOUT ROWID;

-- Postings of samples added since the last merge, in sample order, so that adding a sample
-- appends to the B-tree instead of touching a random page per key. band is -1 for a pichash.
-- A merge (kin_index_flush(), or automatic when enough is staged) moves them into the tables
-- above in key order, one transaction for many samples; lookups read the merged tables only.
CREATE TABLE staged_postings(
    sample INTEGER NOT NULL,
    band   INTEGER NOT NULL,
    value  INTEGER NOT NULL,
    func   INTEGER NOT NULL,
    PRIMARY KEY (sample, band, value, func)
) WITHOUT ROWID;

CREATE TABLE band_postings(
    band   INTEGER NOT NULL,
    value  INTEGER NOT NULL,
    family INTEGER NOT NULL,
    sample INTEGER NOT NULL,
    func   INTEGER NOT NULL,
    PRIMARY KEY (band, value, family, sample, func)
) WITHOUT ROWID;

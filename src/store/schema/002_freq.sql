-- kin index schema, migration 2: frequency statistics of the merged postings, updated by every
-- merge and remove (docs/decisions/0001-index-postings-and-statistics.md). For each hash and
-- band value: how many samples and how many distinct families (family 0, unlabelled, is not
-- counted) hold it. The backfill below is the same computation `kin stats --refresh` runs.
CREATE TABLE pic_freq(
    hash     INTEGER PRIMARY KEY,
    samples  INTEGER NOT NULL,
    families INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE band_freq(
    band     INTEGER NOT NULL,
    value    INTEGER NOT NULL,
    samples  INTEGER NOT NULL,
    families INTEGER NOT NULL,
    PRIMARY KEY (band, value)
) WITHOUT ROWID;

-- Running totals that would otherwise need a full scan: rows of the frequency tables
-- ('pic_keys', 'band_keys'), merged postings ('postings'), staged postings and samples
-- ('staged_rows', 'staged_samples').
CREATE TABLE counters(
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) WITHOUT ROWID;

INSERT INTO pic_freq(hash, samples, families)
    SELECT hash, count(DISTINCT sample), count(DISTINCT nullif(family, 0))
    FROM pic_postings GROUP BY hash;
INSERT INTO band_freq(band, value, samples, families)
    SELECT band, value, count(DISTINCT sample), count(DISTINCT nullif(family, 0))
    FROM band_postings GROUP BY band, value;
INSERT INTO counters(name, value) VALUES ('pic_keys', (SELECT count(*) FROM pic_freq));
INSERT INTO counters(name, value) VALUES ('band_keys', (SELECT count(*) FROM band_freq));
INSERT INTO counters(name, value)
    VALUES ('postings', (SELECT count(*) FROM pic_postings) + (SELECT count(*) FROM band_postings));
INSERT INTO counters(name, value) VALUES ('staged_rows', (SELECT count(*) FROM staged_postings));
INSERT INTO counters(name, value)
    VALUES ('staged_samples', (SELECT count(DISTINCT sample) FROM staged_postings));

-- kin index schema, migration 3: indicators per sample (issue #5), stored by `kin add` and read
-- by `kin search` and attribution (docs/decisions/0003-indicators-in-the-index.md).
-- Samples indexed before this migration have no indicators; the tables start empty.

-- Each distinct indicator once: type is enum kin_ioc_type of include/kin.h (values are fixed
-- there), value its normalised form (src/ioc/evidence.c). samples and families say how many
-- samples and distinct labelled families hold it, kept by every add and remove as pic_freq is.
CREATE TABLE ioc_values(
    id       INTEGER PRIMARY KEY,
    type     INTEGER NOT NULL,
    value    TEXT NOT NULL,
    samples  INTEGER NOT NULL,
    families INTEGER NOT NULL,
    UNIQUE (type, value)
);

-- Which sample holds which indicator, and where its first occurrence lies (file offset, section,
-- encoding: enum kin_ioc_encoding). Keyed by sample so that removing a sample reads one range;
-- family (0 = none) is the sample's, copied so that the second index answers "which samples
-- hold this value" and "does family F still hold it" without visiting samples.
CREATE TABLE ioc_postings(
    sample      INTEGER NOT NULL,
    ioc         INTEGER NOT NULL,
    family      INTEGER NOT NULL,
    file_offset INTEGER NOT NULL,
    encoding    INTEGER NOT NULL,
    section     TEXT,
    PRIMARY KEY (sample, ioc)
) WITHOUT ROWID;
CREATE INDEX ioc_postings_value ON ioc_postings(ioc, family, sample);

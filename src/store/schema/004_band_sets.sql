-- Migration 4: band postings packed per (band value, sample) (decision 0001, "Packed band
-- postings"). A row now lists, in its funcs blob, every function of the sample holding the
-- value (kin_pack(): ascending indexes, 3 bytes each), so a query steps through one row per
-- sample instead of one per function. The key is unchanged but for func, so "does family F
-- hold this value" and removing a sample's postings stay one seek. The 'postings' counter
-- now counts rows: pichash postings plus (band value, sample) pairs.
CREATE TABLE band_sets(
    band   INTEGER NOT NULL,
    value  INTEGER NOT NULL,
    family INTEGER NOT NULL,
    sample INTEGER NOT NULL,
    funcs  BLOB NOT NULL,
    PRIMARY KEY (band, value, family, sample)
) WITHOUT ROWID;

INSERT INTO band_sets(band, value, family, sample, funcs)
    SELECT band, value, family, sample, kin_pack(func)
    FROM band_postings GROUP BY band, value, family, sample;
DROP TABLE band_postings;
ALTER TABLE band_sets RENAME TO band_postings;

UPDATE counters SET value = (SELECT count(*) FROM pic_postings) + (SELECT count(*) FROM band_postings)
    WHERE name = 'postings';

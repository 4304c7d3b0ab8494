-- Rate decks. tariff_decks keeps one row per import (audit: what, when, from where); tariffs holds the
-- rates of the current deck only. An import replaces them in one transaction (rating/tariffs/import.ts).
CREATE TABLE tariff_decks (
  id            bigserial PRIMARY KEY,
  content_hash  text        NOT NULL CHECK (content_hash ~ '^[0-9a-f]{32}$'),
  source        text        NOT NULL,
  row_count     integer     NOT NULL CHECK (row_count > 0),
  imported_at   timestamptz NOT NULL DEFAULT now(),
  is_current    boolean     NOT NULL DEFAULT false
);
-- At most one current deck.
CREATE UNIQUE INDEX tariff_decks_one_current ON tariff_decks (is_current) WHERE is_current;

CREATE TABLE tariffs (
  deck_id                      bigint  NOT NULL REFERENCES tariff_decks (id),
  prefix                       text    NOT NULL CHECK (prefix ~ '^[1-9][0-9]{0,14}$'),
  country                      text    NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
  destination                  text    NOT NULL CHECK (length(destination) BETWEEN 1 AND 100),
  per_minute_micros            bigint  NOT NULL CHECK (per_minute_micros >= 0),
  connect_fee_micros           bigint  NOT NULL CHECK (connect_fee_micros >= 0),
  initial_increment_seconds    integer NOT NULL CHECK (initial_increment_seconds BETWEEN 1 AND 3600),
  subsequent_increment_seconds integer NOT NULL CHECK (subsequent_increment_seconds BETWEEN 1 AND 3600),
  minimum_charge_micros        bigint  NOT NULL CHECK (minimum_charge_micros >= 0),
  PRIMARY KEY (deck_id, prefix)
);
CREATE INDEX tariffs_country ON tariffs (country);

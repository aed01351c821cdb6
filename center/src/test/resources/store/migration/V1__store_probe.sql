-- Throwaway schema for the store package's own tests; the application's schema is db/migration.
CREATE TABLE store_probe (
    id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    note    text NOT NULL,
    address inet
);

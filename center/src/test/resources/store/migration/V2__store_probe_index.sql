CREATE INDEX store_probe_address ON store_probe USING gist (address inet_ops);

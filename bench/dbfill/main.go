// dbfill: bench data for a file-backed (badgerv2) step-ca, written the way step-ca writes it
// (github.com/smallstep/nosql, the same badger library step-ca 0.19 links), without issuing:
// issuing 100,000 certificates through /1.0/sign takes ~14 min on 2 cores.
//
// Each added certificate is three rows cloned from the rows of a certificate step-ca really
// issued on this CA: x509_certs (serial → DER), x509_certs_data (serial → provisioner JSON) and
// used_ott (token id → token). The serial is a fresh random 128-bit number in decimal, as step-ca
// keys it; the last 160 bytes of the DER and of the token are replaced with random bytes so the
// data compresses like real certificates (keys, serials and signatures are random), not like
// copies. The DER is then no longer a valid certificate: a backup copies bytes, which is all
// this is for. The CA must be stopped (badger holds a lock).
//
// Usage: dbfill DB_DIR N
package main

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"math/big"
	"os"
	"strconv"
	"time"

	"github.com/smallstep/nosql"
	"github.com/smallstep/nosql/database"
)

func must(err error, what string) {
	if err != nil {
		fmt.Fprintf(os.Stderr, "dbfill: %s: %v\n", what, err)
		os.Exit(1)
	}
}

func template(db nosql.DB, table string) []byte {
	entries, err := db.List([]byte(table))
	must(err, "listing "+table)
	if len(entries) == 0 {
		must(fmt.Errorf("empty"), table+" has no row to clone: issue one certificate first")
	}
	return entries[0].Value
}

func randomTail(t []byte) []byte {
	v := append([]byte{}, t...)
	n := 160
	if n > len(v)/2 {
		n = len(v) / 2
	}
	_, err := rand.Read(v[len(v)-n:])
	must(err, "random")
	return v
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: dbfill DB_DIR N")
		os.Exit(2)
	}
	n, err := strconv.Atoi(os.Args[2])
	must(err, "N")
	db, err := nosql.New("badgerv2", os.Args[1])
	must(err, "opening "+os.Args[1])
	cert, data, ott := template(db, "x509_certs"), template(db, "x509_certs_data"), template(db, "used_ott")
	limit := new(big.Int).Lsh(big.NewInt(1), 128)
	t0 := time.Now()
	// one badger transaction per 300 certificates (900 writes): a transaction per write syncs
	// each one (~140 writes/s here); step-ca's own writes are one per request
	for i := 0; i < n; {
		tx := new(database.Tx)
		for j := 0; j < 300 && i < n; j, i = j+1, i+1 {
			serial, err := rand.Int(rand.Reader, limit)
			must(err, "random")
			key := []byte(serial.String())
			tx.Set([]byte("x509_certs"), key, randomTail(cert))
			tx.Set([]byte("x509_certs_data"), key, data)
			jti := make([]byte, 32)
			_, err = rand.Read(jti)
			must(err, "random")
			tx.Set([]byte("used_ott"), []byte(hex.EncodeToString(jti)), randomTail(ott))
		}
		must(db.Update(tx), "writing")
	}
	must(db.Close(), "closing")
	fmt.Printf("added=%d seconds=%.1f certBytes=%d dataBytes=%d ottBytes=%d\n", n, time.Since(t0).Seconds(),
		len(cert), len(data), len(ott))
}

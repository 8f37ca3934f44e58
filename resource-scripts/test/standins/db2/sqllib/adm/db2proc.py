#!/usr/bin/python3
# An engine process of the DB2 stand-in (a TEST FIXTURE): `db2sysc 0` and friends; comm is the
# name it was started under. Ends on SIGTERM, or after DB2_STANDIN_LIFETIME seconds.
import os, signal, sys, time
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
time.sleep(float(os.environ.get("DB2_STANDIN_LIFETIME", "3600")))

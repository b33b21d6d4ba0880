"""`python -m ksqlmv` runs the command line."""

from ksqlmv.cli import main

main()

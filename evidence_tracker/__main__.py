from evidence_tracker.cli import main

main()

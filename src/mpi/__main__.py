from mpi.cli import main

raise SystemExit(main())

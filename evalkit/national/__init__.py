"""National figures from per-instansi sufficient statistics (see :mod:`.layout`)."""

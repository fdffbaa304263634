"""The `kozani-hub` subcommands, one module each with `configure(parser)` and `main(args)`."""

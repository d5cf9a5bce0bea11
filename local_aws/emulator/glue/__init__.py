"""Glue inside the emulator: job runs and their bookmarks, crawlers and the schemas they infer."""

"""The guide's translations: one folder per language, LC_MESSAGES/pairlab.{po,json}."""

"""Norwegian Bokmål: a language pack JupyterLab lists, carrying pairlab's catalog alone."""

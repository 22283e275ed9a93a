"""The fixed way: the key and the URL come from the environment, TLS stays verified."""
import os

from pymisp import PyMISP

misp = PyMISP(os.environ["MISP_URL"], os.environ["MISP_KEY"], ssl=True)

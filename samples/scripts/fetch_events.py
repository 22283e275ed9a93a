"""Pull yesterday's IDS attributes from our MISP and write them to a CSV."""
import csv

from pymisp import PyMISP

MISP_URL = "https://misp.example.internal"
MISP_KEY = "U3rR4PKbdeSpqTIEG3qasuN0lYToqFyAOUAbjS0I"

# the lab instance still has a self-signed certificate
misp = PyMISP(MISP_URL, MISP_KEY, ssl=False)

attributes = misp.search(controller="attributes", last="1d", to_ids=True, pythonify=True)
with open("ids_attributes.csv", "w", newline="") as out:
    writer = csv.writer(out)
    for attribute in attributes:
        writer.writerow([attribute.type, attribute.value])

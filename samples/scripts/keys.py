#!/usr/bin/env python
# PyMISP examples configuration (copied from keys.py.sample and filled in)

misp_url = 'https://misp.example.internal'
misp_key = 'U3rR4PKbdeSpqTIEG3qasuN0lYToqFyAOUAbjS0I'
misp_verifycert = False
misp_client_cert = ''

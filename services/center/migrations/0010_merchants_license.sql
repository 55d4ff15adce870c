-- Finding the other merchants that submitted or hold a licence number.
CREATE INDEX merchants_license ON merchants (license_number, qualification_state);

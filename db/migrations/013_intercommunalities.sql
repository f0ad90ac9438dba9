-- Which intercommunality (EPCI: communauté de communes, d'agglomération, métropole) each
-- commune belongs to: reference data, reloaded from data/ like the communes. The portal
-- has no coordinates; sharing an EPCI is the nearness it can tell below the commune.

CREATE TABLE commune_epci (
    commune_code TEXT PRIMARY KEY,   -- no foreign key: reference tables load in any order
    epci_code TEXT NOT NULL,         -- SIREN of the EPCI
    epci_name TEXT NOT NULL
);
CREATE INDEX commune_epci_epci ON commune_epci (epci_code);

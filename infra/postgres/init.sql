-- One Postgres server, one database per service (no service reads another's database).
CREATE DATABASE auth;
CREATE DATABASE payments;
CREATE DATABASE admin;
CREATE DATABASE profile;

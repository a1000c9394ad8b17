module delbar/chartrender

go 1.19

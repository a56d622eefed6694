module example.com/objflow

go 1.23

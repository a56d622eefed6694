module example.com/tinygo

go 1.22

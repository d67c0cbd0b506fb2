module github.com/chaperone-project/chaperone

go 1.26

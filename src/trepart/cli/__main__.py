from trepart.cli import main

main()

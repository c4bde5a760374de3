from g287.interfaces.cli import main

main()

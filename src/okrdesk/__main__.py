from okrdesk.cli import main

main()

#include "cli/cli.h"
#include "cli/outfile.h"

int main(int argc, char **argv)
{
    outfile_install_signals();
    return cli_main(argc, argv, stdout, stderr);
}

// Command stepca-lab is a small step-ca 0.19 build for the stepca-recovery lab.
//
// Debian packages the step-ca source (golang-github-smallstep-certificates-dev) but
// no cmd/step-ca and no buildable `step` CLI, so this one binary provides:
//
//	stepca-lab [--password-file PW] CA.JSON          serve, exactly like `step-ca`
//	stepca-lab start [--password-file PW] CA.JSON    same, as an explicit subcommand
//	stepca-lab init --address 127.0.0.1:PORT --dns localhost --dns 127.0.0.1 \
//	    --password-file PW [--name NAME]              like `step ca init` (STEPPATH chooses the dir)
//	stepca-lab certificate --ca-url URL --root ROOT.crt --provisioner admin \
//	    --password-file PW [--san NAME]... SUBJECT OUT.crt OUT.key
//	                                                 like `step ca certificate` (JWK provisioner)
//
// Build (GOPATH mode, see lab/install):
//
//	GO111MODULE=off GOPATH=<dir with src/stepcalab>:/usr/share/gocode go build -o stepca-lab stepcalab
package main

import (
	"bytes"
	"encoding/pem"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/pkg/errors"
	"github.com/urfave/cli"

	"github.com/smallstep/certificates/authority"
	"github.com/smallstep/certificates/ca"
	"github.com/smallstep/certificates/cas/apiv1"
	"github.com/smallstep/certificates/commands"
	"github.com/smallstep/certificates/pki"
	"go.step.sm/cli-utils/command"
	"go.step.sm/cli-utils/step"
	"go.step.sm/crypto/pemutil"

	// Enabled cas and kms interfaces (as in the upstream cmd/step-ca).
	_ "github.com/smallstep/certificates/cas/softcas"
	_ "github.com/smallstep/certificates/kms/softkms"
)

// Version is the step-ca source version this binary is built from.
var Version = "0.19.0-lab"

func readPassword(file string) ([]byte, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, errors.Wrapf(err, "error reading %s", file)
	}
	b = bytes.TrimRightFunc(b, unicode.IsSpace)
	if len(b) == 0 {
		return nil, errors.Errorf("password file %s is empty", file)
	}
	return b, nil
}

var initCommand = cli.Command{
	Name:      "init",
	Usage:     "create a CA like `step ca init` (STEPPATH chooses the directory)",
	UsageText: "stepca-lab init --address 127.0.0.1:PORT --dns NAME [--dns NAME]... --password-file PW [--name NAME] [--provisioner admin]",
	Flags: []cli.Flag{
		cli.StringFlag{Name: "address", Value: "127.0.0.1:9000", Usage: "listen address of the CA"},
		cli.StringSliceFlag{Name: "dns", Usage: "DNS name or IP of the CA (repeatable)"},
		cli.StringFlag{Name: "password-file", Usage: "password for the CA keys and the JWK provisioner"},
		cli.StringFlag{Name: "name", Value: "stepca-lab", Usage: "CA name (root CN is '<name> Root CA')"},
		cli.StringFlag{Name: "provisioner", Value: "admin", Usage: "name of the JWK provisioner"},
		cli.BoolFlag{Name: "no-acme", Usage: "do not add the ACME provisioner 'acme'"},
	},
	Action: func(ctx *cli.Context) error {
		if ctx.NArg() > 0 {
			return errors.Errorf("init: unexpected arguments %v", ctx.Args())
		}
		if ctx.String("password-file") == "" {
			return errors.New("init: --password-file is required")
		}
		pass, err := readPassword(ctx.String("password-file"))
		if err != nil {
			return err
		}
		dns := ctx.StringSlice("dns")
		if len(dns) == 0 {
			dns = []string{"localhost", "127.0.0.1"}
		}
		cfgPath := filepath.Join(step.Path(), "config", "ca.json")
		if _, err := os.Stat(cfgPath); err == nil {
			return errors.Errorf("init: %s already exists", cfgPath)
		}
		opts := []pki.Option{
			pki.WithAddress(ctx.String("address")),
			pki.WithDNSNames(dns),
			pki.WithProvisioner(ctx.String("provisioner")),
		}
		if !ctx.Bool("no-acme") {
			opts = append(opts, pki.WithACME())
		}
		p, err := pki.New(apiv1.Options{Type: apiv1.SoftCAS, IsCreator: true}, opts...)
		if err != nil {
			return err
		}
		name := ctx.String("name")
		root, err := p.GenerateRootCertificate(name, name, name, pass)
		if err != nil {
			return errors.Wrap(err, "generating root")
		}
		if err := p.GenerateIntermediateCertificate(name, name, name, root, pass); err != nil {
			return errors.Wrap(err, "generating intermediate")
		}
		if err := p.GenerateKeyPairs(pass); err != nil {
			return errors.Wrap(err, "generating provisioner key")
		}
		return p.Save()
	},
}

var certificateCommand = cli.Command{
	Name:      "certificate",
	Usage:     "get a certificate from a running CA with a JWK provisioner (like `step ca certificate`)",
	UsageText: "stepca-lab certificate --ca-url URL --root ROOT.crt --provisioner admin --password-file PW [--san NAME]... SUBJECT OUT.crt OUT.key",
	Flags: []cli.Flag{
		cli.StringFlag{Name: "ca-url", Usage: "URL of the CA, e.g. https://127.0.0.1:9000"},
		cli.StringFlag{Name: "root", Usage: "root certificate to trust"},
		cli.StringFlag{Name: "provisioner", Value: "admin", Usage: "JWK provisioner name"},
		cli.StringFlag{Name: "password-file", Usage: "provisioner password file"},
		cli.StringSliceFlag{Name: "san", Usage: "subject alternative name (repeatable; default: SUBJECT)"},
	},
	Action: func(ctx *cli.Context) error {
		if ctx.NArg() != 3 {
			return errors.New("certificate: want SUBJECT OUT.crt OUT.key")
		}
		subject, crtFile, keyFile := ctx.Args().Get(0), ctx.Args().Get(1), ctx.Args().Get(2)
		for _, f := range []string{"ca-url", "root", "password-file"} {
			if ctx.String(f) == "" {
				return errors.Errorf("certificate: --%s is required", f)
			}
		}
		pass, err := readPassword(ctx.String("password-file"))
		if err != nil {
			return err
		}
		ca.DisableIdentity = true
		prov, err := ca.NewProvisioner(ctx.String("provisioner"), "", ctx.String("ca-url"), pass,
			ca.WithRootFile(ctx.String("root")))
		if err != nil {
			return errors.Wrap(err, "loading provisioner")
		}
		tok, err := prov.Token(subject, ctx.StringSlice("san")...)
		if err != nil {
			return errors.Wrap(err, "creating token")
		}
		req, pk, err := ca.CreateSignRequest(tok)
		if err != nil {
			return err
		}
		resp, err := prov.Client.Sign(req)
		if err != nil {
			return errors.Wrap(err, "signing")
		}
		var chain bytes.Buffer
		certs := resp.CertChainPEM
		if len(certs) == 0 {
			certs = append(certs, resp.ServerPEM, resp.CaPEM)
		}
		for _, c := range certs {
			if err := pem.Encode(&chain, &pem.Block{Type: "CERTIFICATE", Bytes: c.Raw}); err != nil {
				return err
			}
		}
		block, err := pemutil.Serialize(pk)
		if err != nil {
			return err
		}
		if err := os.WriteFile(keyFile, pem.EncodeToMemory(block), 0600); err != nil {
			return err
		}
		if err := os.Chmod(keyFile, 0600); err != nil {
			return err
		}
		if err := os.WriteFile(crtFile, chain.Bytes(), 0644); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "certificate for %s written to %s (key %s)\n", subject, crtFile, keyFile)
		return nil
	},
}

func main() {
	step.Set("Smallstep CA", Version, "lab")
	authority.GlobalVersion.Version = Version

	app := cli.NewApp()
	app.Name = "stepca-lab"
	app.HelpName = "stepca-lab"
	app.Version = step.Version()
	app.Usage = "step-ca 0.19 (Debian source) with lab helpers: start | init | certificate"
	app.UsageText = `stepca-lab [--password-file=<file>] <ca.json>      serve like step-ca
   stepca-lab start [--password-file=<file>] <ca.json>
   stepca-lab init --address 127.0.0.1:PORT --dns localhost --dns 127.0.0.1 --password-file PW [--name NAME]
   stepca-lab certificate --ca-url URL --root ROOT.crt --provisioner admin --password-file PW --san N SUBJECT OUT.crt OUT.key`
	app.Flags = append(app.Flags, commands.AppCommand.Flags...)
	app.Flags = append(app.Flags, cli.HelpFlag)
	startCommand := commands.AppCommand
	startCommand.Usage = "serve a CA like step-ca (the default action)"
	app.Writer = os.Stdout
	app.ErrWriter = os.Stderr
	app.Commands = append([]cli.Command{startCommand, initCommand, certificateCommand}, command.Retrieve()...)
	app.Action = func(_ *cli.Context) error {
		// As upstream cmd/step-ca: run the top-level action as the "start" command.
		cmd := cli.Command{Name: "start", Action: commands.AppCommand.Action, Flags: app.Flags}
		set := flag.NewFlagSet(app.Name, flag.ContinueOnError)
		set.Parse(os.Args)
		ctx := cli.NewContext(app, set, nil)
		return cmd.Run(ctx)
	}

	if err := app.Run(os.Args); err != nil {
		if os.Getenv("STEPDEBUG") == "1" {
			fmt.Fprintf(os.Stderr, "%+v\n", err)
		} else {
			fmt.Fprintln(os.Stderr, strings.TrimSpace(err.Error()))
		}
		os.Exit(1)
	}
}

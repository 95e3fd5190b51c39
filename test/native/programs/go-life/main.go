// A Go Automation API inline program on the generated Go SDK (sdk/go): create, a no-op preview, one
// field updated, destroy, against the Qualys PM emulator whose URL is in QUALYS_TEST_GATEWAY. Prints
// one JSON line with what the engine reported for each step. No Go language host needed.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/qualys-pm-pulumi/qualys-pm-pulumi/sdk/go/qualys/pm"
)

func program(description string) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		_, err := pm.NewDeploymentJob(ctx, "go-job", &pm.DeploymentJobArgs{
			Name:               pulumi.String("Go job"),
			Platform:           pm.PlatformLinux,
			AssetIds:           pulumi.StringArray{pulumi.String("08a028e6-7e1d-4dbf-b040-48d9059dee08")},
			PackageCacheUpdate: pulumi.Bool(true),
			Description:        pulumi.String(description),
		})
		return err
	}
}

func run(ctx context.Context) (map[string]any, error) {
	command, err := auto.NewPulumiCommand(&auto.PulumiCommandOptions{Root: os.Getenv("QUALYS_TEST_PULUMI_ROOT"), SkipVersionCheck: true})
	if err != nil {
		return nil, err
	}
	project := workspace.Project{
		Name:    "go-life",
		Runtime: workspace.NewProjectRuntimeInfo("go", nil),
		Plugins: &workspace.Plugins{Providers: []workspace.PluginOptions{{Name: "qualys", Path: os.Getenv("QUALYS_TEST_PLUGIN_DIR")}}},
	}
	stack, err := auto.UpsertStackInlineSource(ctx, "test", "go-life", program("made from Go"),
		auto.Project(project), auto.WorkDir(os.Getenv("QUALYS_TEST_WORK_DIR")), auto.Pulumi(command))
	if err != nil {
		return nil, err
	}
	config := auto.ConfigMap{
		"qualys:gatewayUrl": {Value: os.Getenv("QUALYS_TEST_GATEWAY")},
		"qualys:username":   {Value: "demo-user"},
		"qualys:password":   {Value: os.Getenv("QUALYS_TEST_PASSWORD"), Secret: true},
	}
	if err := stack.SetAllConfig(ctx, config); err != nil {
		return nil, err
	}
	steps := map[string]any{}
	up, err := stack.Up(ctx)
	if err != nil {
		return nil, err
	}
	steps["up"] = up.Summary.ResourceChanges
	preview, err := stack.Preview(ctx)
	if err != nil {
		return nil, err
	}
	steps["preview"] = preview.ChangeSummary
	stack.Workspace().SetProgram(program("updated from Go"))
	update, err := stack.Up(ctx)
	if err != nil {
		return nil, err
	}
	steps["update"] = update.Summary.ResourceChanges
	destroy, err := stack.Destroy(ctx)
	if err != nil {
		return nil, err
	}
	steps["destroy"] = destroy.Summary.ResourceChanges
	return steps, nil
}

func main() {
	steps, err := run(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	out, _ := json.Marshal(steps)
	fmt.Println(string(out))
}

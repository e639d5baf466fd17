// bundle-validate checks an OLM bundle directory (registry+v1: manifests/, metadata/annotations.yaml) offline, with
// the validators of operator-framework/api that `operator-sdk bundle validate` runs by default (bundle, CSV, CRDs)
// and those of its optional suites that need no network (OperatorHub metadata, capabilities, categories, good
// practices, removed APIs, objects). Each finding is printed on a line of its own, "error" or "warning", with the
// validator that made it; the exit status is 1 when there is an error.
//
//	bundle-validate [-k8s-version 1.35] BUNDLE_DIR
//
// The multi-architecture validator is left out: it inspects the images in registries. The bundle's format checks
// (directories, annotations, supported kinds) are written here after operator-registry v1.59.0's
// ValidateBundleFormat and operator-sdk's ValidateBundleContent, since importing them brings operator-registry's
// container-image clients.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	apimanifests "github.com/operator-framework/api/pkg/manifests"
	apivalidation "github.com/operator-framework/api/pkg/validation"
	apierrors "github.com/operator-framework/api/pkg/validation/errors"
	interfaces "github.com/operator-framework/api/pkg/validation/interfaces"
	k8svalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/yaml"
)

const (
	mediaTypeLabel      = "operators.operatorframework.io.bundle.mediatype.v1"
	manifestsLabel      = "operators.operatorframework.io.bundle.manifests.v1"
	metadataLabel       = "operators.operatorframework.io.bundle.metadata.v1"
	packageLabel        = "operators.operatorframework.io.bundle.package.v1"
	channelsLabel       = "operators.operatorframework.io.bundle.channels.v1"
	defaultChannelLabel = "operators.operatorframework.io.bundle.channel.default.v1"
)

// The kinds a registry+v1 bundle may hold besides the CSV and the CRDs (operator-registry v1.59.0,
// pkg/lib/bundle/supported_resources.go).
var supportedKinds = map[string]bool{
	"Secret": true, "ClusterRole": true, "ClusterRoleBinding": true, "ConfigMap": true, "ServiceAccount": true,
	"Service": true, "Role": true, "RoleBinding": true, "PrometheusRule": true, "ServiceMonitor": true,
	"PodDisruptionBudget": true, "PriorityClass": true, "VerticalPodAutoscaler": true, "ConsoleYAMLSample": true,
	"ConsoleQuickStart": true, "ConsoleCLIDownload": true, "ConsoleLink": true, "ConsolePlugin": true,
	"NetworkPolicy": true,
}

// The optional validators, by the names operator-sdk gives them (its suite=operatorframework and the others).
var optionalValidators = []struct {
	name      string
	validator interfaces.Validator
}{
	{"operatorhub-v2", apivalidation.OperatorHubV2Validator},
	{"standard-capabilities", apivalidation.StandardCapabilitiesValidator},
	{"standard-categories", apivalidation.StandardCategoriesValidator},
	{"good-practices", apivalidation.GoodPracticesValidator},
	{"alpha-deprecated-apis", apivalidation.AlphaDeprecatedAPIsValidator},
	{"objects", apivalidation.ObjectValidator},
}

type finding struct {
	validator string
	result    string
	err       apierrors.Error
}

func main() {
	k8sVersion := flag.String("k8s-version", "", "the Kubernetes version the removed-APIs checks use (default: the CSV's minKubeVersion)")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: bundle-validate [-k8s-version X.Y] BUNDLE_DIR")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	dir := flag.Arg(0)

	if err := validateFormat(dir); err != nil {
		fmt.Printf("error [format] %s: %v\n", dir, err)
		os.Exit(1)
	}
	// The bundle's root, not only manifests/: the loader then reads the channels of metadata/annotations.yaml too,
	// which the good-practices validator checks.
	bundle, err := apimanifests.GetBundleFromDir(dir)
	if err != nil {
		fmt.Printf("error [load] %s: %v\n", dir, err)
		os.Exit(1)
	}

	var findings []finding
	add := func(validator string, results ...apierrors.ManifestResult) {
		for _, result := range results {
			for _, err := range append(result.Errors, result.Warnings...) {
				findings = append(findings, finding{validator, result.Name, err})
			}
		}
	}
	add("objects-metadata", validateObjects(bundle)...)
	add("bundle", apivalidation.BundleValidator.Validate(bundle)...)
	add("csv", apivalidation.ClusterServiceVersionValidator.Validate(bundle.CSV)...)
	var crds []interface{}
	for _, crd := range bundle.V1CRDs {
		crds = append(crds, crd)
	}
	for _, crd := range bundle.V1beta1CRDs {
		crds = append(crds, crd)
	}
	add("crd", apivalidation.CustomResourceDefinitionValidator.Validate(crds...)...)
	objects := append(bundle.ObjectsToValidate(), map[string]string{"k8s-version": *k8sVersion})
	for _, optional := range optionalValidators {
		add(optional.name, optional.validator.Validate(objects...)...)
	}

	errorCount := 0
	for _, f := range findings {
		level := "warning"
		if f.err.Level == apierrors.LevelError {
			level = "error"
			errorCount++
		}
		fmt.Printf("%s [%s] %s: %s\n", level, f.validator, f.result, f.err.Error())
	}
	fmt.Printf("bundle-validate: %s: %d errors, %d warnings\n", dir, errorCount, len(findings)-errorCount)
	if errorCount > 0 {
		os.Exit(1)
	}
}

// validateFormat checks what operator-registry's ValidateBundleFormat checks of a registry+v1 bundle directory.
func validateFormat(dir string) error {
	var errs []error
	for _, sub := range []string{"manifests", "metadata"} {
		if info, err := os.Stat(filepath.Join(dir, sub)); err != nil || !info.IsDir() {
			errs = append(errs, fmt.Errorf("unable to locate the %s directory", sub))
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "metadata", "annotations.yaml"))
	if err != nil {
		return fmt.Errorf("could not read the annotations file: %w", err)
	}
	var file struct {
		Annotations map[string]string `json:"annotations"`
	}
	if err := yaml.Unmarshal(raw, &file); err != nil {
		return fmt.Errorf("metadata/annotations.yaml: %w", err)
	}
	expected := map[string]string{mediaTypeLabel: "registry+v1", manifestsLabel: "manifests/", metadataLabel: "metadata/"}
	for _, label := range []string{mediaTypeLabel, manifestsLabel, metadataLabel, packageLabel, channelsLabel} {
		value, found := file.Annotations[label]
		switch {
		case !found:
			errs = append(errs, fmt.Errorf("missing annotation %q", label))
		case expected[label] != "" && value != expected[label]:
			errs = append(errs, fmt.Errorf("expecting annotation %q to have value %q instead of %q", label, expected[label], value))
		case label == channelsLabel && value == "":
			errs = append(errs, fmt.Errorf("expecting annotation %q to have a non-empty value", label))
		}
	}
	if value, found := file.Annotations[defaultChannelLabel]; found && value == "" {
		errs = append(errs, fmt.Errorf("expecting annotation %q to have a non-empty value", defaultChannelLabel))
	}
	return errors.Join(errs...)
}

// validateObjects checks the bundle's other objects as operator-sdk's ValidateBundleContent does: a kind registry+v1
// supports, and valid metadata.
func validateObjects(bundle *apimanifests.Bundle) []apierrors.ManifestResult {
	result := apierrors.ManifestResult{Name: bundle.Name}
	noName := func(string, bool) []string { return nil }
	for _, object := range bundle.Objects {
		kind := object.GetKind()
		if kind == "ClusterServiceVersion" || kind == "CustomResourceDefinition" {
			continue
		}
		if !supportedKinds[kind] {
			result.Add(apierrors.ErrInvalidBundle(fmt.Sprintf("%s %q: a registry+v1 bundle cannot hold this kind", kind, object.GetName()), kind))
			continue
		}
		if errs := k8svalidation.ValidateObjectMetaAccessor(object, false, noName, field.NewPath("metadata")); len(errs) > 0 {
			result.Add(apierrors.ErrFailedValidation(errs.ToAggregate().Error(), object.GetName()))
		}
	}
	return []apierrors.ManifestResult{result}
}
